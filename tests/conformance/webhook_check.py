"""Signs and verifies webhook payloads with Stripe's official Python SDK, for
tests/tests/webhooks.rs. The payload is read from standard input, byte for byte.

    webhook_check.py sign SECRET TIMESTAMP
        prints the Stripe-Signature header stripe-python builds for the payload
        (WebhookSignature.generate_signature_header, the SDK's helper for tests)
    webhook_check.py verify SECRET HEADER TOLERANCE
        runs stripe.Webhook.construct_event(payload, HEADER, SECRET, TOLERANCE)
        and prints `ok <event id> <event type>`, or `error <exception class>: <message>`
    webhook_check.py verify-many
        the same for many deliveries in one process: standard input holds one JSON object per
        line, {"payload": "...", "header": "...", "secret": "...", "tolerance": 300}, and one
        verdict line is printed for each

Exits non-zero only on a usage error or an unexpected failure of the script itself.
"""

import json
import sys

import stripe


def verdict(payload, header, secret, tolerance):
    try:
        event = stripe.Webhook.construct_event(payload, header, secret, tolerance)
    except stripe.SignatureVerificationError as err:
        return "error %s: %s" % (type(err).__name__, err.user_message)
    return "ok %s %s" % (event.id, event.type)


def main(argv):
    if len(argv) == 2 and argv[1] == "verify-many":
        for line in sys.stdin:
            case = json.loads(line)
            print(
                verdict(
                    case["payload"].encode("utf-8"),
                    case["header"],
                    case["secret"],
                    case["tolerance"],
                )
            )
        return
    payload = sys.stdin.buffer.read()
    if len(argv) == 4 and argv[1] == "sign":
        _, _, secret, timestamp = argv
        header = stripe.WebhookSignature.generate_signature_header(
            payload.decode("utf-8"), secret, int(timestamp)
        )
        print(header)
    elif len(argv) == 5 and argv[1] == "verify":
        _, _, secret, header, tolerance = argv
        print(verdict(payload, header, secret, int(tolerance)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
