"""Parses thin event notifications with Stripe's official Python SDK, for
tests/tests/thin_events.rs: the reference `Webhook::parse_event_notification` is compared with.

    thin_event_check.py parse-many
        standard input holds one JSON object per line,
        {"payload": "...", "header": "..." or null, "secret": "...", "tolerance": 300};
        for each, runs StripeClient.parse_event_notification(payload, header, secret, tolerance)
        and prints one JSON line:
          {"ok": {"class": ..., "id": ..., "type": ..., "created": ..., "livemode": ...,
                  "context": ..., "related_object": ..., "reason": ...}}
        or {"error": "<exception class>: <message>"}
    thin_event_check.py construct-many
        the same input; runs stripe.Webhook.construct_event (the snapshot-event parser) and prints
        {"ok": {"id": ..., "object": ...}} or {"error": "<exception class>: <message>"}

stripe-python builds a class per event type it knows (a related object required or absent as the
type has it) and UnknownEventNotification for the others; "class" names it. Members the class
does not have are printed as null.

Exits non-zero only on a usage error or an unexpected failure of the script itself.
"""

import json
import sys

import stripe

# parse_event_notification never calls the API; the key only satisfies the constructor.
CLIENT = stripe.StripeClient("sk_test_thin_event_check")


def error(err):
    message = getattr(err, "user_message", None) or str(err)
    return {"error": "%s: %s" % (type(err).__name__, message)}


def related_object(notification):
    related = getattr(notification, "related_object", None)
    if related is None:
        return None
    return {
        "id": getattr(related, "id", None),
        "type": related.type,
        "url": related.url,
    }


def reason(notification):
    if notification.reason is None:
        return None
    request = notification.reason.request
    return {
        "type": notification.reason.type,
        "request": None
        if request is None
        else {"id": request.id, "idempotency_key": request.idempotency_key},
    }


def parse(case):
    try:
        notification = CLIENT.parse_event_notification(
            case["payload"].encode("utf-8"),
            case["header"],
            case["secret"],
            case["tolerance"],
        )
    except Exception as err:  # the verdict, whatever the SDK raised
        return error(err)
    context = notification.context
    return {
        "ok": {
            "class": type(notification).__name__,
            "id": notification.id,
            "type": notification.type,
            "created": notification.created,
            "livemode": notification.livemode,
            "context": None if context is None else str(context),
            "related_object": related_object(notification),
            "reason": reason(notification),
        }
    }


def construct(case):
    try:
        event = stripe.Webhook.construct_event(
            case["payload"].encode("utf-8"),
            case["header"],
            case["secret"],
            case["tolerance"],
        )
    except Exception as err:  # the verdict, whatever the SDK raised
        return error(err)
    values = event.to_dict()
    return {"ok": {"id": values.get("id"), "object": values.get("object")}}


def main(argv):
    modes = {"parse-many": parse, "construct-many": construct}
    if len(argv) != 2 or argv[1] not in modes:
        sys.exit(__doc__)
    judge = modes[argv[1]]
    # All input is read before anything is written: the caller writes all of it before it reads,
    # and neither pipe may fill up while the other side waits.
    cases = [json.loads(line) for line in sys.stdin]
    for case in cases:
        print(json.dumps(judge(case), sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
