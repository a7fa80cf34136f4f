"""Encodes request parameters with Stripe's official Python SDK, for tests/tests/properties.rs.

Reads one JSON request per line from standard input, `{"method": "get", "path": "/v1/...",
"params": {...}}`, and writes one JSON line per request to standard output: `{"encoded": "..."}`,
the query string (GET, DELETE) or form body (POST) the SDK would send, or `{"error": "..."}`.
Many requests go through one process, so the property test can compare thousands of cases.

Each request goes through the SDK's own request path, the one its typed services use
(`StripeService._request` -> `_APIRequestor` -> `_api_encode` + `urlencode`), with an HTTP client
that captures the request instead of sending it. Nothing leaves the process.
"""

import json
import sys
from urllib.parse import urlsplit

import stripe
from stripe._stripe_service import StripeService


class CapturingClient(stripe.HTTPClient):
    """Records the request the SDK would send and answers `{}`."""

    name = "capturing"

    def __init__(self):
        super().__init__()
        self.captured = None

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.captured = (method, url, post_data)
        return "{}", 200, {}

    def close(self):
        pass


def main():
    http = CapturingClient()
    client = stripe.StripeClient(
        "sk_test_properties", http_client=http, max_network_retries=0
    )
    service = StripeService(client._requestor)
    for line in sys.stdin:
        request = json.loads(line)
        http.captured = None
        try:
            service._request(
                request["method"],
                request["path"],
                params=request["params"],
                base_address="api",
            )
            method, url, post_data = http.captured
            if method == "post":
                encoded = post_data or ""
            else:
                encoded = urlsplit(url).query
            reply = {"encoded": encoded}
        except Exception as err:  # reported to the test, which fails the case
            reply = {"error": "%s: %s" % (type(err).__name__, err)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
