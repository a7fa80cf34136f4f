//! Peer conformance of webhook signatures: `stripe_api::webhook` and Stripe's official Python SDK
//! (pinned in `tests/conformance/requirements.txt`, run through
//! `tests/conformance/webhook_check.py`) accept and reject the same deliveries.
//!
//! Headers signed by the SDK verify here, headers built by `signature_header` verify in the SDK
//! (and are byte for byte the SDK's), and both reject a tampered body, a wrong secret and an
//! expired timestamp. Both use the real clock here, so the timestamps keep well clear of the
//! tolerance's edge.
//!
//! Both also judge 31 spellings of the `Stripe-Signature` header alike, for the same reasons
//! (spaces around elements, upper-case hex, a trailing space...: issue 12 §6), through
//! `webhook_check.py verify-many` (one Python process); the two deliberate differences
//! (tolerance 0, a repeated `t`) have a test of their own.

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use stripe_api::events::{EventObject, EventType};
use stripe_api::webhook::{signature_header, Event, Webhook, WebhookError};
use stripegen_tests::python::{self, python_with_sdk};
use stripegen_tests::workspace;

const SECRET: &str = "whsec_conformance_0b5f2ad3e4c1";
const EVENT_TYPE: &str = "identity.verification_session.verified";

fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// An `identity.verification_session.verified` event about Stripe's fixture session.
fn payload() -> Vec<u8> {
    let path = workspace().join("spec/fixtures3-2026-07-29.json");
    let fixtures: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let session = fixtures["resources"]["identity.verification_session"].clone();
    assert!(session.is_object(), "the fixture session is missing");
    serde_json::to_vec(&json!({
        "id": "evt_1",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": 1_700_000_000,
        "data": {"object": session},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": EVENT_TYPE,
    }))
    .unwrap()
}

/// Runs `webhook_check.py` with `args`, feeding it `payload`; returns its output line.
fn python(args: &[&str], payload: &[u8]) -> String {
    let script = workspace().join("tests/conformance/webhook_check.py");
    let mut command = Command::new(python_with_sdk());
    command.arg(&script).args(args);
    python::run_with_input(&mut command, payload)
        .trim()
        .to_owned()
}

fn python_sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    python(&["sign", secret, &timestamp.to_string()], payload)
}

/// `ok <id> <type>` or `error <class>: <message>`, as stripe-python's `construct_event` decides.
fn python_verify(payload: &[u8], header: &str, secret: &str, tolerance: Duration) -> String {
    python(
        &["verify", secret, header, &tolerance.as_secs().to_string()],
        payload,
    )
}

fn rust_verify(
    payload: &[u8],
    header: &str,
    secret: &str,
    tolerance: Duration,
) -> Result<Event<String, Value>, WebhookError> {
    Webhook::new(secret)
        .tolerance(tolerance)
        .construct_event(payload, Some(header))
}

#[test]
fn payloads_signed_by_stripe_python_verify_here() {
    let payload = payload();
    let timestamp = now();
    let header = python_sign(&payload, SECRET, timestamp);
    assert_eq!(header, signature_header(&payload, SECRET, timestamp));

    let event = rust_verify(&payload, &header, SECRET, Duration::from_secs(300)).unwrap();
    assert_eq!(event.id, "evt_1");
    assert_eq!(event.object, "event");
    assert_eq!(event.type_, EVENT_TYPE);
    assert_eq!(event.api_version.as_deref(), Some("2026-09-30.endive"));
    assert_eq!(event.created.seconds(), 1_700_000_000);
    assert!(!event.livemode);
    assert_eq!(event.pending_webhooks, 1);
    let request = event.request.as_ref().unwrap();
    assert_eq!((&request.id, &request.idempotency_key), (&None, &None));
    assert_eq!(event.data.object["id"], "vs_1Pgc76B7WZ01zgkWBdQi8PTU");
    assert_eq!(event.data.previous_attributes, None);
    let original: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), original);

    // The generated event types take the same delivery.
    let typed: stripe_api::events::Event = Webhook::new(SECRET)
        .construct_event(&payload, Some(&header))
        .unwrap();
    assert_eq!(typed.type_, EventType::IdentityVerificationSessionVerified);
    let EventObject::IdentityVerificationSession(session) = &typed.data.object else {
        panic!("not a verification session: {:?}", typed.data.object);
    };
    assert_eq!(session.id.as_str(), "vs_1Pgc76B7WZ01zgkWBdQi8PTU");
}

#[test]
fn headers_built_here_verify_in_stripe_python() {
    let payload = payload();
    let header = signature_header(&payload, SECRET, now());
    assert_eq!(
        python_verify(&payload, &header, SECRET, Duration::from_secs(300)),
        format!("ok evt_1 {EVENT_TYPE}")
    );
}

/// A delivery both sides must judge alike.
struct Case {
    name: &'static str,
    payload: Vec<u8>,
    header: String,
    secret: &'static str,
    tolerance: Duration,
}

fn judge_alike(cases: &[Case]) -> Vec<(&'static str, Result<(), WebhookError>, String)> {
    std::thread::scope(|scope| {
        let running: Vec<_> = cases
            .iter()
            .map(|case| {
                scope.spawn(move || {
                    let python =
                        python_verify(&case.payload, &case.header, case.secret, case.tolerance);
                    let rust =
                        rust_verify(&case.payload, &case.header, case.secret, case.tolerance)
                            .map(|_| ());
                    (case.name, rust, python)
                })
            })
            .collect();
        running.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

#[test]
fn both_reject_tampered_bodies_wrong_secrets_and_expired_timestamps() {
    let payload = payload();
    let mut tampered = payload.clone();
    let at = tampered
        .windows(9)
        .position(|w| w == b"\"livemode")
        .unwrap();
    tampered.splice(at + 11..at + 16, *b"true ");
    let tolerance = Duration::from_secs(300);
    let now = now();
    let cases = [
        Case {
            name: "tampered body, signed by python",
            payload: tampered.clone(),
            header: python_sign(&payload, SECRET, now),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "tampered body, signed here",
            payload: tampered,
            header: signature_header(&payload, SECRET, now),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "wrong secret, signed by python",
            payload: payload.clone(),
            header: python_sign(&payload, "whsec_someone_else", now),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "wrong secret, signed here",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, now),
            secret: "whsec_someone_else",
            tolerance,
        },
        Case {
            name: "timestamp changed after signing",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, now).replacen(
                &now.to_string(),
                &(now + 1).to_string(),
                1,
            ),
            secret: SECRET,
            tolerance,
        },
    ];
    for (name, rust, python) in judge_alike(&cases) {
        assert_eq!(rust, Err(WebhookError::NoMatchingSignature), "{name}");
        assert_eq!(
            python,
            "error SignatureVerificationError: No signatures found matching the expected \
             signature for payload",
            "{name}"
        );
    }

    let expired = now - 1000;
    let cases = [
        Case {
            name: "expired, signed by python",
            payload: payload.clone(),
            header: python_sign(&payload, SECRET, expired),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "expired, signed here",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, expired),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "expired under a tighter tolerance",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, now - 120),
            secret: SECRET,
            tolerance: Duration::from_secs(60),
        },
    ];
    for (name, rust, python) in judge_alike(&cases) {
        assert!(
            matches!(rust, Err(WebhookError::TimestampOutsideTolerance { .. })),
            "{name}: {rust:?}"
        );
        assert!(
            python.starts_with(
                "error SignatureVerificationError: Timestamp outside the tolerance zone"
            ),
            "{name}: {python}"
        );
    }
}

#[test]
fn both_reject_headers_without_a_usable_signature() {
    let payload = payload();
    let now = now();
    let signature = signature_header(&payload, SECRET, now);
    let v0_only = format!("t={now},v0={}", signature.split_once(",v1=").unwrap().1);
    let cases = [
        (
            "",
            WebhookError::MissingHeader,
            "No Stripe-Signature header value was provided",
        ),
        (
            "v1=00",
            WebhookError::MalformedHeader("no `t` timestamp".to_owned()),
            "Unable to extract timestamp and signatures from header",
        ),
        (
            "t=yesterday,v1=00",
            WebhookError::MalformedHeader(
                "the timestamp `yesterday` is not a whole number of seconds".to_owned(),
            ),
            "Unable to extract timestamp and signatures from header",
        ),
        (
            v0_only.as_str(),
            WebhookError::NoV1Signature,
            "No signatures found with expected scheme v1",
        ),
    ];
    let cases_alike: Vec<Case> = cases
        .iter()
        .map(|(header, ..)| Case {
            name: "header",
            payload: payload.clone(),
            header: header.to_string(),
            secret: SECRET,
            tolerance: Duration::from_secs(300),
        })
        .collect();
    for ((_, rust, python), (header, error, message)) in
        judge_alike(&cases_alike).into_iter().zip(&cases)
    {
        assert_eq!(rust, Err(error.clone()), "{header:?}");
        assert!(
            python.starts_with(&format!("error SignatureVerificationError: {message}")),
            "{header:?}: {python}"
        );
    }
}

/// stripe-python only rejects timestamps older than the tolerance (`timestamp < time() -
/// tolerance`), never future ones; `Webhook` does the same.
#[test]
fn both_accept_future_timestamps_and_any_matching_v1_signature() {
    let payload = payload();
    let now = now();
    let tolerance = Duration::from_secs(300);
    let right = signature_header(&payload, SECRET, now);
    let right_v1 = right.split_once(",v1=").unwrap().1;
    let rolled = signature_header(&payload, "whsec_rolled", now);
    let rolled_v1 = rolled.split_once(",v1=").unwrap().1;
    let cases = [
        Case {
            name: "a year ahead, signed by python",
            payload: payload.clone(),
            header: python_sign(&payload, SECRET, now + 365 * 86_400),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "an hour ahead, signed here",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, now + 3600),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "older, but within the tolerance",
            payload: payload.clone(),
            header: signature_header(&payload, SECRET, now - 200),
            secret: SECRET,
            tolerance,
        },
        Case {
            name: "second v1 matches, v0 ignored",
            payload: payload.clone(),
            header: format!("t={now},v0={rolled_v1},v1={rolled_v1},v1={right_v1}"),
            secret: SECRET,
            tolerance,
        },
    ];
    for (name, rust, python) in judge_alike(&cases) {
        assert_eq!(rust, Ok(()), "{name}");
        assert_eq!(python, format!("ok evt_1 {EVENT_TYPE}"), "{name}");
    }
}

/// stripe-python's verdicts on many deliveries of `payload`, from one Python process
/// (`webhook_check.py verify-many`): `(header, secret, tolerance)` each.
fn python_verify_many(payload: &[u8], cases: &[(String, &str, Duration)]) -> Vec<String> {
    let input: String = cases
        .iter()
        .map(|(header, secret, tolerance)| {
            json!({
                "payload": std::str::from_utf8(payload).unwrap(),
                "header": header,
                "secret": secret,
                "tolerance": tolerance.as_secs(),
            })
            .to_string()
                + "\n"
        })
        .collect();
    let script = workspace().join("tests/conformance/webhook_check.py");
    let mut command = Command::new(python_with_sdk());
    command.arg(&script).arg("verify-many");
    let output = python::run_with_input(&mut command, input.as_bytes());
    let verdicts: Vec<String> = output.lines().map(str::to_owned).collect();
    assert_eq!(verdicts.len(), cases.len(), "{output}");
    verdicts
}

/// A verdict of `Webhook::verify` written the way `webhook_check.py` writes stripe-python's, up
/// to the first words of the SDK's message, which say why.
fn rust_verdict(result: &Result<Event<String, Value>, WebhookError>) -> String {
    let why = match result {
        Ok(event) => return format!("ok {} {}", event.id, event.type_),
        Err(WebhookError::MissingHeader) => "No Stripe-Signature header value was provided",
        Err(WebhookError::MalformedHeader(_)) => {
            "Unable to extract timestamp and signatures from header"
        }
        Err(WebhookError::NoV1Signature) => "No signatures found with expected scheme v1",
        Err(WebhookError::NoMatchingSignature) => {
            "No signatures found matching the expected signature for payload"
        }
        Err(WebhookError::TimestampOutsideTolerance { .. }) => {
            "Timestamp outside the tolerance zone"
        }
        Err(other) => panic!("unexpected {other:?}"),
    };
    format!("error SignatureVerificationError: {why}")
}

/// How the `Stripe-Signature` header is spelled (issue 12 §6): wherever stripe-python rejects a
/// header, for whatever reason, `Webhook` rejects it for the same reason, and it accepts the
/// same variations. Checked against the SDK, one process for all cases.
#[test]
fn header_spelling_is_judged_like_stripe_python() {
    let payload = payload();
    let now = now();
    let signed = signature_header(&payload, SECRET, now);
    let sig = signed.split_once(",v1=").unwrap().1.to_owned();
    let other = signature_header(&payload, "whsec_other", now);
    let other = other.split_once(",v1=").unwrap().1.to_owned();
    let t = now.to_string();
    let (t_head, t_tail) = t.split_at(4);
    let headers: Vec<(&str, String)> = vec![
        ("as signed", signed.clone()),
        // Rejected by stripe-python, so rejected here.
        ("space after a comma", format!("t={t}, v1={sig}")),
        ("spaces around `=`", format!("t={t},v1 = {sig}")),
        ("space after `v1=`", format!("t={t},v1= {sig}")),
        ("space before `t`", format!(" t={t},v1={sig}")),
        ("space before `=` of t", format!("t ={t},v1={sig}")),
        ("trailing space", format!("t={t},v1={sig} ")),
        ("trailing tab", format!("t={t},v1={sig}\t")),
        ("trailing newline", format!("t={t},v1={sig}\n")),
        ("upper-case hex", format!("t={t},v1={}", sig.to_uppercase())),
        (
            "mixed-case hex",
            format!("t={t},v1={}{}", &sig[..32], sig[32..].to_uppercase()),
        ),
        ("upper-case V1", format!("t={t},V1={sig}")),
        ("upper-case T", format!("T={t},v1={sig}")),
        ("t of -0", format!("t=-0,v1={sig}")),
        (
            "t with a doubled underscore",
            format!("t={t_head}__{t_tail},v1={sig}"),
        ),
        ("space inside t", format!("t={t_head} {t_tail},v1={sig}")),
        ("v1 without a value", format!("t={t},v1")),
        ("no t", format!("v1={sig}")),
        ("only other signatures", format!("t={t},v1={other}")),
        ("signature cut short", format!("t={t},v1={}", &sig[..63])),
        // Accepted by stripe-python, so accepted here.
        ("space before a comma", format!("t={t} ,v1={sig}")),
        ("space after `t=`", format!("t= {t},v1={sig}")),
        ("t with a plus sign", format!("t=+{t},v1={sig}")),
        (
            "t with an underscore",
            format!("t={t_head}_{t_tail},v1={sig}"),
        ),
        ("t with a leading zero", format!("t=0{t},v1={sig}")),
        ("trailing comma", format!("t={t},v1={sig},")),
        ("empty element", format!("t={t},,v1={sig}")),
        (
            "a second `=` ends the value",
            format!("t={t},v1={sig}=tail"),
        ),
        (
            "an empty v1 beside the right one",
            format!("t={t},v1=,v1={sig}"),
        ),
        (
            "a wrong v1 beside the right one",
            format!("t={t},v1={other},v1={sig}"),
        ),
        ("unknown elements", format!("t={t},v0={other},x=1,v1={sig}")),
    ];
    let tolerance = Duration::from_secs(300);
    let cases: Vec<(String, &str, Duration)> = headers
        .iter()
        .map(|(_, header)| (header.clone(), SECRET, tolerance))
        .collect();
    let python = python_verify_many(&payload, &cases);
    let mut disagreements = Vec::new();
    for ((name, header), python) in headers.iter().zip(&python) {
        let rust = rust_verdict(&rust_verify(&payload, header, SECRET, tolerance));
        if !python.starts_with(&rust) {
            disagreements.push(format!(
                "{name} ({header:?}):\n  here:   {rust}\n  python: {python}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    let accepted = python.iter().filter(|v| v.starts_with("ok ")).count();
    assert_eq!(accepted, 12, "{python:#?}");
}

/// Where `Webhook` deliberately differs from stripe-python: both documented on
/// `Webhook::tolerance` and `parse_header`, and in README.md.
#[test]
fn the_deliberate_differences_from_stripe_python() {
    let payload = payload();
    let now = now();
    let signed = signature_header(&payload, SECRET, now);
    let sig = signed.split_once(",v1=").unwrap().1;
    let old = signature_header(&payload, SECRET, now - 1000);
    let cases = [
        // stripe-python checks `if tolerance and ...`: a tolerance of 0 turns the age check off.
        // Here `Duration::ZERO` means what it says (use `Duration::MAX` to turn it off).
        (old.clone(), SECRET, Duration::ZERO),
        // stripe-python takes the first of two `t` elements; here the header is malformed.
        (
            format!("t={now},t=5,v1={sig}"),
            SECRET,
            Duration::from_secs(300),
        ),
    ];
    let python = python_verify_many(&payload, &cases);
    assert_eq!(python[0], format!("ok evt_1 {EVENT_TYPE}"));
    assert_eq!(python[1], format!("ok evt_1 {EVENT_TYPE}"));
    assert!(matches!(
        rust_verify(&payload, &old, SECRET, Duration::ZERO),
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
    assert_eq!(
        rust_verify(&payload, &old, SECRET, Duration::MAX).map(|e| e.id),
        Ok("evt_1".to_owned())
    );
    assert_eq!(
        rust_verify(&payload, &cases[1].0, SECRET, Duration::from_secs(300)).map(|_| ()),
        Err(WebhookError::MalformedHeader(
            "more than one `t` element".to_owned()
        ))
    );
}
