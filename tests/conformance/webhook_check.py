"""Signs and verifies webhook payloads with Stripe's official Python SDK, for
tests/tests/webhooks.rs. The payload is read from standard input, byte for byte.

    webhook_check.py sign SECRET TIMESTAMP
        prints the Stripe-Signature header stripe-python builds for the payload
        (WebhookSignature.generate_signature_header, the SDK's helper for tests)
    webhook_check.py verify SECRET HEADER TOLERANCE
        runs stripe.Webhook.construct_event(payload, HEADER, SECRET, TOLERANCE)
        and prints `ok <event id> <event type>`, or `error <exception class>: <message>`

Exits non-zero only on a usage error or an unexpected failure of the script itself.
"""

import sys

import stripe


def main(argv):
    payload = sys.stdin.buffer.read()
    if len(argv) == 4 and argv[1] == "sign":
        _, _, secret, timestamp = argv
        header = stripe.WebhookSignature.generate_signature_header(
            payload.decode("utf-8"), secret, int(timestamp)
        )
        print(header)
    elif len(argv) == 5 and argv[1] == "verify":
        _, _, secret, header, tolerance = argv
        try:
            event = stripe.Webhook.construct_event(
                payload, header, secret, int(tolerance)
            )
        except stripe.SignatureVerificationError as err:
            print("error %s: %s" % (type(err).__name__, err.user_message))
        else:
            print("ok %s %s" % (event.id, event.type))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
