"""Sends requests with Stripe's official Python SDK, for the whole-API exercise
(`cargo xtask full-api --exercise`, xtask/exercise/main.rs).

`send_requests.py BASE` reads one JSON request per line from standard input,
`{"method": "post", "path": "/v1/customers/{customer}", "path_args": {"customer": "cus_1"},
"params": {...}}`, sends it to BASE (a capture server on 127.0.0.1) and writes one line per
request: `ok`, or the error. The requests go out in input order, one at a time.

Each goes through the SDK's own request path, the one its typed services use: path arguments
escaped by `sanitize_id` as the services do, then `StripeService._request` -> `_APIRequestor`
-> `_api_encode` + `urlencode` -> its default HTTP client.
"""

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
        try:
            service._request(
                method,
                path,
                params=request["params"],
                base_address="api",
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


if __name__ == "__main__":
    main()
