"""Sends requests with Stripe's official Python SDK, for the whole-API exercise
(`cargo xtask full-api --exercise`, xtask/exercise/main.rs).

`send_requests.py BASE` reads one JSON request per line from standard input,
`{"method": "post", "path": "/v1/customers/{customer}", "path_args": {"customer": "cus_1"},
"multipart": false, "params": {...}}`, sends it to BASE (a capture server on 127.0.0.1) and
writes one line per request: `ok`, or the error. The requests go out in input order, one at a
time. A multipart request (a file upload) goes out as the SDK's `files.create` sends one: with
the `multipart/form-data` content type, to the "files" base address, each file parameter
(`{"file_name", "content_type", "data": [bytes]}`) as a file object.

Each goes through the SDK's own request path, the one its typed services use: path arguments
escaped by `sanitize_id` as the services do, then `StripeService._request` -> `_APIRequestor`
-> `_api_encode` + `urlencode` -> its default HTTP client.
"""

import io
import json
import sys

import stripe
from stripe._stripe_service import StripeService
from stripe._util import sanitize_id


def main():
    base = sys.argv[1]
    client = stripe.StripeClient(
        "sk_test_whole_api",
        base_addresses={"api": base, "files": base, "connect": base},
        max_network_retries=0,
    )
    service = StripeService(client._requestor)
    for line in sys.stdin:
        request = json.loads(line)
        path = request["path"]
        for name, value in request["path_args"].items():
            path = path.replace("{%s}" % name, sanitize_id(value))
        # stripe-python has no PUT or PATCH (2017-2021 releases of the spec have PUT calls): it
        # sends those parameters as a POST body, encoded as it encodes every body, and the
        # exercise compares everything but the method.
        method = request["method"]
        if method in ("put", "patch"):
            method = "post"
        params, base_address, options = request["params"], "api", {}
        if request.get("multipart"):
            params = with_files(params)
            base_address = "files"
            options = {"content_type": "multipart/form-data"}
        try:
            service._request(
                method,
                path,
                params=params,
                base_address=base_address,
                options=options,
            )
            reply = "ok"
        except Exception as err:  # reported by the exercise, which fails
            reply = "%s %s: %s: %s" % (
                request["method"].upper(),
                request["path"],
                type(err).__name__,
                err,
            )
        sys.stdout.write(reply.replace("\n", " ") + "\n")
        sys.stdout.flush()


def with_files(value):
    """`value` with every file parameter as a file object: the SDK sends its name (the base
    name) and its bytes, and `application/octet-stream` whatever the file."""
    if isinstance(value, dict):
        if set(value) == {"file_name", "content_type", "data"}:
            upload = io.BytesIO(bytes(value["data"]))
            upload.name = value["file_name"]
            return upload
        return {key: with_files(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_files(item) for item in value]
    return value


if __name__ == "__main__":
    main()
