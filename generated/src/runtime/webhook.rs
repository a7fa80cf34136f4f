//! Receiving webhooks: checking the `Stripe-Signature` header of a delivery and parsing the event
//! it carries.
//!
//! Stripe signs every delivery with the endpoint's secret (`whsec_...`): the header
//! `Stripe-Signature: t=<unix seconds>,v1=<hex>` holds the time of signing and an HMAC-SHA256 of
//! `"<t>.<raw body>"`. [`Webhook::construct_event`] checks it and then parses the body, so an
//! endpoint needs only the raw body bytes (before any JSON parsing or re-encoding) and the header:
//!
//! ```no_run
//! # fn handle(body: &[u8], header: Option<&str>) -> Result<(), stripe_api::webhook::WebhookError> {
//! use stripe_api::webhook::{Event, Webhook};
//!
//! let webhook = Webhook::new(std::env::var("STRIPE_WEBHOOK_SECRET").unwrap());
//! let event: Event<String, serde_json::Value> = webhook.construct_event(body, header)?;
//! println!("{} {}", event.type_, event.id);
//! # Ok(())
//! # }
//! ```
//!
//! Build a valid header for tests with [`signature_header`].
//!
//! Event destinations of Stripe's v2 APIs deliver *thin* event notifications instead: a small
//! payload (`"object": "v2.core.event"`) naming the event and the object it concerns, signed the
//! same way. [`Webhook::parse_event_notification`] checks and parses one into an
//! [`EventNotification`], whose [`fetch_event`](EventNotification::fetch_event) and
//! [`fetch_related_object`](EventNotification::fetch_related_object) retrieve the rest from the
//! API. Each method refuses the other kind of payload, as Stripe's SDKs do.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::client::{Client, Method, PathSegment};
use super::error::Error;
use super::options::RequestOptions;
use super::types::Timestamp;

type HmacSha256 = Hmac<Sha256>;

/// How old a signature may be by default, as in Stripe's SDKs: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The only signature scheme Stripe signs live deliveries with. Test-mode deliveries may also carry
/// `v0` signatures, which are ignored.
const SCHEME: &str = "v1";

/// Checks the signatures of one webhook endpoint's deliveries.
///
/// Cheap to clone (the clock is shared); `Debug` never shows the secret.
#[derive(Clone)]
pub struct Webhook {
    secret: String,
    tolerance: Duration,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl Webhook {
    /// Checks deliveries signed with `secret`, the endpoint's signing secret (`whsec_...`, shown
    /// in the Dashboard or returned as `secret` when the endpoint is created), allowing signatures
    /// up to [`DEFAULT_TOLERANCE`] old, by the system clock.
    ///
    /// An empty (or blank) secret is accepted here but no signature ever matches it, so a missing
    /// configuration value cannot turn into an endpoint that anyone can sign for.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(system_clock),
        }
    }

    /// How old (in whole seconds) a signature's timestamp may be; older ones are rejected as
    /// replays.
    ///
    /// Timestamps in the future are accepted however far ahead, as stripe-python does (it only
    /// rejects `timestamp < now - tolerance`): the timestamp is covered by the signature, so only
    /// the holder of the secret can set it, and the check exists to stop an old delivery from
    /// being replayed.
    ///
    /// `Duration::ZERO` accepts only signatures made in the current second (or later). That
    /// differs from Stripe's SDKs: in stripe-python (`if tolerance and ...`) and stripe-node
    /// (`tolerance > 0 && ...`) a tolerance of `0` turns the age check off, so code ported from
    /// them that passes `0` would reject almost every delivery here. To accept signatures of any age,
    /// pass `Duration::MAX`.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Replaces the clock the tolerance is measured with: a function returning the current time in
    /// seconds since the Unix epoch. For tests.
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// Checks that `payload`, the raw request body, was signed by Stripe with this endpoint's
    /// secret, according to `signature_header`, the value of the `Stripe-Signature` header.
    ///
    /// The header may carry several `v1` signatures (while a rolled secret's old value is still
    /// valid, Stripe signs with both); one matching is enough. Signatures are compared in constant
    /// time. A signature that matches is then rejected if its timestamp is more than the tolerance
    /// older than now (see [`Webhook::tolerance`]), in the order stripe-python checks.
    pub fn verify(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<(), WebhookError> {
        let header = signature_header
            .filter(|header| !header.trim().is_empty())
            .ok_or(WebhookError::MissingHeader)?;
        let (timestamp, signatures) = parse_header(header)?;
        if signatures.is_empty() {
            return Err(WebhookError::NoV1Signature);
        }
        let mac = signer(&self.secret, timestamp, payload);
        let matches = !self.secret.trim().is_empty()
            && signatures.iter().any(|signature| {
                // Only the signature as Stripe writes it matches: 64 lower-case hex digits, as
                // stripe-python compares the strings. Anything else (upper-case hex, a space
                // around it) cannot match; it does not make the header malformed, since another
                // `v1` value may still match.
                is_lower_hex(signature)
                    && hex::decode(signature)
                        .is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok())
            });
        if !matches {
            return Err(WebhookError::NoMatchingSignature);
        }
        let now = (self.clock)();
        let age = i128::from(now) - i128::from(timestamp);
        if age > i128::from(self.tolerance.as_secs()) {
            return Err(WebhookError::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance: self.tolerance,
            });
        }
        Ok(())
    }

    /// [`verify`](Webhook::verify)s the delivery, then parses its body as `E`, typically
    /// [`Event`]; a body that does not match `E` is reported with the JSON path of the failing
    /// value.
    ///
    /// A thin event notification (a body whose top-level `object` is `"v2.core.event"`) is
    /// refused with [`WebhookError::ThinEventNotification`], whatever `E` is, once its signature
    /// has been checked: such deliveries are for [`Webhook::parse_event_notification`]. Stripe's
    /// SDKs refuse them the same way.
    pub fn construct_event<E: DeserializeOwned>(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<E, WebhookError> {
        self.verify(payload, signature_header)?;
        if top_level_object(payload).as_deref() == Some(THIN_EVENT_OBJECT) {
            return Err(WebhookError::ThinEventNotification);
        }
        parse_payload(payload)
    }

    /// Checks a delivery of a v2 event destination exactly as [`construct_event`] does (the
    /// same [`verify`](Webhook::verify): secret, tolerance, errors), then parses its body as a
    /// thin [`EventNotification`].
    ///
    /// A snapshot event (a body whose top-level `object` is `"event"`, as v1 webhook endpoints
    /// receive) is refused with [`WebhookError::SnapshotEvent`]: parse those with
    /// [`construct_event`]. Any other body that is not a notification (another `object`, a
    /// missing `id`, `type` or `created`, a member of the wrong type) is
    /// [`WebhookError::InvalidPayload`], naming the JSON path of the failing value.
    ///
    /// [`construct_event`]: Webhook::construct_event
    pub fn parse_event_notification(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<EventNotification, WebhookError> {
        self.verify(payload, signature_header)?;
        if top_level_object(payload).as_deref() == Some(SNAPSHOT_EVENT_OBJECT) {
            return Err(WebhookError::SnapshotEvent);
        }
        parse_payload(payload)
    }
}

/// The `object` of a thin event notification.
const THIN_EVENT_OBJECT: &str = "v2.core.event";
/// The `object` of a snapshot event.
const SNAPSHOT_EVENT_OBJECT: &str = "event";

/// Parses a verified body, naming the JSON path of a failure.
fn parse_payload<T: DeserializeOwned>(payload: &[u8]) -> Result<T, WebhookError> {
    super::json::parse(payload).map_err(|failure| WebhookError::InvalidPayload {
        path: failure.path,
        message: failure.message,
    })
}

/// The top-level `object` member of `payload` when it is a JSON object whose `object` is a
/// string (the last one, if repeated, as a JSON object reads in Python and JavaScript); `None`
/// for anything else, which the parse that follows reports.
fn top_level_object(payload: &[u8]) -> Option<String> {
    struct ObjectMember(Option<String>);

    impl<'de> Deserialize<'de> for ObjectMember {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(ObjectMemberVisitor)
        }
    }

    struct ObjectMemberVisitor;

    impl<'de> serde::de::Visitor<'de> for ObjectMemberVisitor {
        type Value = ObjectMember;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<ObjectMember, A::Error> {
            let mut object = None;
            while let Some(key) = map.next_key::<String>()? {
                if key == "object" {
                    object = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(value) => Some(value),
                        _ => None,
                    };
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(ObjectMember(object))
        }
    }

    super::json::parse::<ObjectMember>(payload).ok()?.0
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

/// A `Stripe-Signature` header value that [`Webhook::verify`] accepts for `payload` signed with
/// `secret` at `timestamp` (seconds since the Unix epoch): `t=<timestamp>,v1=<hex>`. For testing
/// webhook handlers; it matches what stripe-python's `generate_signature_header` builds.
pub fn signature_header(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = signer(secret, timestamp, payload).finalize().into_bytes();
    format!("t={timestamp},{SCHEME}={}", hex::encode(signature))
}

/// The HMAC of `"<timestamp>.<payload>"`, ready to finalize or compare.
fn signer(secret: &str, timestamp: i64, payload: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// Whether `text` is written only with `0-9a-f`.
fn is_lower_hex(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The timestamp and the `v1` signatures of a header; other elements are ignored.
///
/// Read as stripe-python reads it (`[e.split("=", 2) for e in header.split(",")]`): keys are
/// matched exactly, so ` v1=...` (a space after a comma) or `V1=...` is not a signature; a `v1`
/// value runs to the next `=`, spaces included, so `v1=<hex> ` never matches. The timestamp is
/// read like Python's `int()`, which ignores spaces around it and accepts a sign and `_` between
/// digits. Unlike stripe-python, which takes the first, a header with two `t` is rejected.
fn parse_header(header: &str) -> Result<(i64, Vec<&str>), WebhookError> {
    let malformed = |what: String| WebhookError::MalformedHeader(what);
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in header.split(',') {
        let mut parts = element.splitn(3, '=');
        let key = parts.next().unwrap_or_default();
        let value = parts.next();
        match key {
            "t" => {
                let value = value.ok_or_else(|| malformed("`t` has no value".to_owned()))?;
                if timestamp.is_some() {
                    return Err(malformed("more than one `t` element".to_owned()));
                }
                let parsed = parse_python_int(value).ok_or_else(|| {
                    malformed(format!(
                        "the timestamp `{value}` is not a whole number of seconds"
                    ))
                })?;
                timestamp = Some(parsed);
            }
            SCHEME => {
                signatures.push(value.ok_or_else(|| malformed(format!("`{SCHEME}` has no value")))?)
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| malformed("no `t` timestamp".to_owned()))?;
    Ok((timestamp, signatures))
}

/// A whole number as Python's `int()` reads a string: surrounding whitespace ignored, an optional
/// sign, decimal digits with single `_` between them (ASCII digits only, which is stricter).
fn parse_python_int(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return None;
    }
    let magnitude: i128 = digits.replace('_', "").parse().ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

fn system_clock() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Why a webhook delivery was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `Stripe-Signature` header, or an empty one.
    MissingHeader,
    /// The header could not be read; says what was wrong.
    MalformedHeader(String),
    /// The header has no `v1` signature (Stripe signs every delivery with `v1`).
    NoV1Signature,
    /// No `v1` signature matches the body and the secret: the body was changed, the secret is
    /// wrong (another endpoint's, or a rolled one that expired), or the delivery was not sent by
    /// Stripe.
    NoMatchingSignature,
    /// The signature is valid but older than the tolerance: possibly a replayed delivery.
    TimestampOutsideTolerance {
        /// When the delivery was signed, in seconds since the Unix epoch.
        timestamp: i64,
        /// The clock's time when it was checked.
        now: i64,
        tolerance: Duration,
    },
    /// The signature is valid, but the body does not parse as the requested type; `path` is the
    /// JSON path of the failing value.
    InvalidPayload { path: String, message: String },
    /// The signature is valid, but [`Webhook::construct_event`] was given a thin event
    /// notification (`"object": "v2.core.event"`, from a v2 event destination): parse it with
    /// [`Webhook::parse_event_notification`].
    ThinEventNotification,
    /// The signature is valid, but [`Webhook::parse_event_notification`] was given a snapshot
    /// event (`"object": "event"`, from a v1 webhook endpoint): parse it with
    /// [`Webhook::construct_event`].
    SnapshotEvent,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader => f.write_str("the Stripe-Signature header is missing or empty"),
            Self::MalformedHeader(what) => write!(f, "malformed Stripe-Signature header: {what}"),
            Self::NoV1Signature => f.write_str("the Stripe-Signature header has no v1 signature"),
            Self::NoMatchingSignature => f.write_str(
                "no v1 signature in the Stripe-Signature header matches the payload and the \
                 endpoint secret",
            ),
            Self::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "the signature timestamp {timestamp} is {} s before now ({now}), more than the \
                 tolerance of {} s",
                i128::from(*now) - i128::from(*timestamp),
                tolerance.as_secs()
            ),
            Self::InvalidPayload { path, message } => {
                write!(
                    f,
                    "the webhook payload does not match at `{path}`: {message}"
                )
            }
            Self::ThinEventNotification => f.write_str(
                "the webhook payload is a thin event notification (\"object\": \"v2.core.event\"), \
                 not a snapshot event: parse it with Webhook::parse_event_notification",
            ),
            Self::SnapshotEvent => f.write_str(
                "the webhook payload is a snapshot event (\"object\": \"event\"), not a thin \
                 event notification: parse it with Webhook::construct_event",
            ),
        }
    }
}

impl std::error::Error for WebhookError {}

/// An event as Stripe delivers it to webhook endpoints (and returns from the Events API), generic
/// over the type of its `type` (`T`) and of the object it is about (`O`).
///
/// The generated `events` module fixes both to the event types and objects of the API version
/// this crate was generated from; `Event<String, serde_json::Value>` takes any event as is.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Event<T, O> {
    /// The event's ID (`evt_...`).
    pub id: String,
    /// Always `"event"`.
    pub object: String,
    /// The connected account the event happened in, for events received through Connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The API version `data` is rendered in; `None` for events older than that practice
    /// (October 2014).
    pub api_version: Option<String>,
    /// The context the event belongs to (such as a connected account), sent by newer API
    /// versions only; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// When the event was created.
    pub created: Timestamp,
    /// The object the event is about, and what changed.
    pub data: EventData<O>,
    /// `true` for live-mode events, `false` for test-mode ones.
    pub livemode: bool,
    /// How many webhook endpoints have not yet acknowledged this event with a 2xx response.
    pub pending_webhooks: i64,
    /// The API request that caused the event; `None` when it has none to report.
    #[serde(default)]
    pub request: Option<EventRequest>,
    /// What happened, e.g. `identity.verification_session.verified`.
    #[serde(rename = "type")]
    pub type_: T,
}

/// The `data` of an [`Event`].
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EventData<O> {
    /// The object as it was right after the change: for `*.created` the new object, for
    /// `*.updated` its new state, for `*.deleted` its last state.
    pub object: O,
    /// For `*.updated` events, the previous values of the fields that changed (a changed array
    /// appears whole); absent for other events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The API request behind an [`Event`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EventRequest {
    /// The request's ID (`req_...`); `None` when Stripe acted on its own, e.g. a scheduled
    /// transition.
    #[serde(default)]
    pub id: Option<String>,
    /// The `Idempotency-Key` the request was sent with, if any (recorded since May 2017).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A thin event notification, as v2 event destinations deliver them: which event happened, when,
/// in which context, and the object it concerns, but not the object itself. Get one from
/// [`Webhook::parse_event_notification`]; fetch the full event with
/// [`fetch_event`](EventNotification::fetch_event) and the object with
/// [`fetch_related_object`](EventNotification::fetch_related_object).
///
/// Members Stripe adds later are ignored. A `null` optional member reads as an absent one. To
/// make one in tests, sign a payload with [`signature_header`] and parse it, or deserialize the
/// JSON (`serde_json::from_value`), which checks the same things apart from the signature.
///
/// stripe-python has a class per known event type; this type is generic, like its
/// `UnknownEventNotification`, so it never requires a `related_object` (some types have none)
/// and reads one without an `id` (singletons such as a customer's cash balance), a `request`
/// reason whose `request` is `null` and a request without an `idempotency_key`, all of which
/// stripe-python rejects. Where stripe-python takes a malformed member as it is (a `livemode`
/// that is not a boolean, a `null` `object`, an empty `reason` object), this type rejects the
/// payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EventNotification {
    /// The event's ID (`evt_...`).
    pub id: String,
    /// Always `"v2.core.event"`: checked when parsing, written when serializing.
    object: ThinEventObject,
    /// What happened, e.g. `v1.billing.meter.error_report_triggered`.
    #[serde(rename = "type")]
    pub type_: String,
    /// When the event was created (Stripe sends RFC 3339, `2024-09-26T17:35:21.447Z`).
    pub created: jiff::Timestamp,
    /// `true` for live-mode events, `false` for test-mode ones (and when absent).
    #[serde(default, deserialize_with = "null_as_false")]
    pub livemode: bool,
    /// The context the event happened in, such as a connected account (`acct_...`, or a path of
    /// them joined by `/`); `None` for the destination's own account. Sent as `Stripe-Context`
    /// when fetching. An empty string reads as `None`, as in Stripe's SDKs.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    /// The object the event concerns, if it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_object: Option<RelatedObject>,
    /// Why the event happened, when Stripe says: e.g. the API request that caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<EventReason>,
}

/// The object an [`EventNotification`] concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct RelatedObject {
    /// The object's ID (`mtr_...`); `None` for a singleton, an object that has no ID of its own
    /// (a customer's cash balance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The object's type, its `object` value (`billing.meter`).
    #[serde(rename = "type")]
    pub type_: String,
    /// The API path to retrieve it (`/v1/billing/meters/mtr_...`), used by
    /// [`EventNotification::fetch_related_object`].
    pub url: String,
}

/// Why an event happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EventReason {
    /// The kind of reason: `request` for an API request (the only kind so far).
    #[serde(rename = "type")]
    pub type_: String,
    /// The API request, for a reason of type `request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<EventReasonRequest>,
}

/// The API request behind an [`EventNotification`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EventReasonRequest {
    /// The request's ID (`req_...`).
    pub id: String,
    /// The `Idempotency-Key` the request was sent with, if any.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

impl EventNotification {
    /// Retrieves the full event (`GET /v2/core/events/{id}`) through `client`, as `T`:
    /// `serde_json::Value` or a type of your own.
    ///
    /// The request is made as [`Client::raw_request`] makes it, with the notification's
    /// [`context`](EventNotification::context) as `Stripe-Context` when it has one. It uses the
    /// client's own settings (API version, retries, and a `Stripe-Account` or `Stripe-Context` set
    /// on its builder, which a notification's context replaces, as in stripe-node; stripe-python
    /// sends neither), not the options of a handle made by [`Client::with_options`], so an
    /// account or context meant for other calls never leaks into it. Unlike the SDKs, it sends
    /// no `Stripe-Request-Trigger` header (`event=<id>`).
    pub async fn fetch_event<T: DeserializeOwned>(&self, client: &Client) -> Result<T, Error> {
        let path = format!("/v2/core/events/{}", PathSegment(&self.id));
        self.client(client)
            .raw_request(Method::Get, &path, &())
            .await
    }

    /// Retrieves the [`related_object`](EventNotification::related_object) (`GET` its `url`)
    /// through `client`, as `T`; `Ok(None)` when the notification has none. Sent as
    /// [`fetch_event`](EventNotification::fetch_event) sends its request.
    ///
    /// The URL comes from the payload, so it must be a path on the API host: one that does not
    /// start with a single `/` is an [`Error::InvalidPath`] and is not requested.
    pub async fn fetch_related_object<T: DeserializeOwned>(
        &self,
        client: &Client,
    ) -> Result<Option<T>, Error> {
        let Some(related) = &self.related_object else {
            return Ok(None);
        };
        if !related.url.starts_with('/') || related.url.starts_with("//") {
            return Err(Error::InvalidPath {
                path: related.url.clone(),
                reason: "a related object's URL must be a path starting with a single `/`",
            });
        }
        self.client(client)
            .raw_request(Method::Get, &related.url, &())
            .await
            .map(Some)
    }

    /// The handle fetches go through: the client's settings, the notification's context.
    fn client(&self, client: &Client) -> Client {
        let options = match &self.context {
            Some(context) => RequestOptions::new().stripe_context(context),
            None => RequestOptions::new(),
        };
        client.with_options(options)
    }
}

/// The `object` of an [`EventNotification`]: reads only `"v2.core.event"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ThinEventObject;

impl fmt::Debug for ThinEventObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(THIN_EVENT_OBJECT, f)
    }
}

impl Serialize for ThinEventObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(THIN_EVENT_OBJECT)
    }
}

impl<'de> Deserialize<'de> for ThinEventObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = ThinEventObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "\"{THIN_EVENT_OBJECT}\"")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<ThinEventObject, E> {
                if value == THIN_EVENT_OBJECT {
                    Ok(ThinEventObject)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(value), &self))
                }
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// A boolean that may be `null` (read as `false`).
fn null_as_false<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(deserializer)?.unwrap_or(false))
}

/// A string that may be `null` or empty (both read as `None`).
fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|text| !text.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_700_000_000;
    const PAYLOAD: &[u8] = br#"{"id":"evt_1","object":"event","api_version":"2026-09-30.endive","created":1699999990,"data":{"object":{"id":"vs_1","object":"identity.verification_session"}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"identity.verification_session.verified"}"#;

    fn webhook() -> Webhook {
        Webhook::new(SECRET).clock(|| NOW)
    }

    fn v1(payload: &[u8], secret: &str, timestamp: i64) -> String {
        let header = signature_header(payload, secret, timestamp);
        header.split_once(",v1=").unwrap().1.to_owned()
    }

    #[test]
    fn a_header_built_by_signature_header_verifies() {
        let header = signature_header(PAYLOAD, SECRET, NOW);
        assert!(header.starts_with(&format!("t={NOW},v1=")));
        assert_eq!(header.len(), format!("t={NOW},v1=").len() + 64);
        assert_eq!(webhook().verify(PAYLOAD, Some(&header)), Ok(()));
    }

    #[test]
    fn matches_an_independently_computed_signature() {
        // Python: hmac.new(b"whsec_test_secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            signature_header(br#"{"a":1}"#, SECRET, NOW),
            "t=1700000000,v1=aecbc681fe3d2604c08ff8e880a0988d997a12367fcf9545e6a3b90c1dfc04b7"
        );
    }

    #[test]
    fn a_missing_or_empty_header_is_missing() {
        for header in [None, Some(""), Some("  ")] {
            assert_eq!(
                webhook().verify(PAYLOAD, header),
                Err(WebhookError::MissingHeader)
            );
        }
    }

    #[test]
    fn malformed_headers_say_what_is_wrong() {
        let sig = v1(PAYLOAD, SECRET, NOW);
        let cases = [
            (format!("v1={sig}"), "no `t` timestamp"),
            (format!("t,v1={sig}"), "`t` has no value"),
            (
                format!("t=soon,v1={sig}"),
                "the timestamp `soon` is not a whole number of seconds",
            ),
            (
                format!("t=1.5,v1={sig}"),
                "the timestamp `1.5` is not a whole number of seconds",
            ),
            (
                format!("t={NOW},t={NOW},v1={sig}"),
                "more than one `t` element",
            ),
            (format!("t={NOW},v1"), "`v1` has no value"),
            ("garbage".to_owned(), "no `t` timestamp"),
        ];
        for (header, what) in cases {
            assert_eq!(
                webhook().verify(PAYLOAD, Some(&header)),
                Err(WebhookError::MalformedHeader(what.to_owned())),
                "{header}"
            );
        }
    }

    #[test]
    fn timestamps_read_like_python_int() {
        for (text, value) in [
            ("17", Some(17)),
            (" 17 ", Some(17)),
            ("+17", Some(17)),
            ("-17", Some(-17)),
            ("1_700", Some(1700)),
            ("017", Some(17)),
            ("1__7", None),
            ("_17", None),
            ("17_", None),
            ("1 7", None),
            ("", None),
            ("-", None),
            ("1.5", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_python_int(text), value, "{text:?}");
        }
    }

    #[test]
    fn keys_and_signatures_are_matched_exactly() {
        let sig = v1(PAYLOAD, SECRET, NOW);
        let rejected = [
            (format!("t={NOW}, v1={sig}"), WebhookError::NoV1Signature),
            (
                format!("t={NOW},v1={sig} "),
                WebhookError::NoMatchingSignature,
            ),
            (
                format!("t={NOW},v1={}", sig.to_uppercase()),
                WebhookError::NoMatchingSignature,
            ),
            (
                format!(" t={NOW},v1={sig}"),
                WebhookError::MalformedHeader("no `t` timestamp".to_owned()),
            ),
        ];
        for (header, error) in rejected {
            assert_eq!(
                webhook().verify(PAYLOAD, Some(&header)),
                Err(error),
                "{header:?}"
            );
        }
        for header in [format!("t= {NOW} ,v1={sig}"), format!("t={NOW},v1={sig}=x")] {
            assert_eq!(
                webhook().verify(PAYLOAD, Some(&header)),
                Ok(()),
                "{header:?}"
            );
        }
    }

    #[test]
    fn a_header_without_v1_has_no_v1_signature() {
        let sig = v1(PAYLOAD, SECRET, NOW);
        for header in [format!("t={NOW}"), format!("t={NOW},v0={sig}")] {
            assert_eq!(
                webhook().verify(PAYLOAD, Some(&header)),
                Err(WebhookError::NoV1Signature)
            );
        }
    }

    #[test]
    fn tampering_or_a_wrong_secret_matches_no_signature() {
        let header = signature_header(PAYLOAD, SECRET, NOW);
        let mut tampered = PAYLOAD.to_vec();
        tampered[10] ^= 1;
        let other_secret = signature_header(PAYLOAD, "whsec_other", NOW);
        let other_time = format!("t={},v1={}", NOW - 1, v1(PAYLOAD, SECRET, NOW));
        let cases: [(&[u8], &str); 4] = [
            (&tampered, &header),
            (PAYLOAD, &other_secret),
            (PAYLOAD, &other_time),
            (PAYLOAD, &format!("t={NOW},v1=not-hex")),
        ];
        for (payload, header) in cases {
            assert_eq!(
                webhook().verify(payload, Some(header)),
                Err(WebhookError::NoMatchingSignature),
                "{header}"
            );
        }
        // A truncated signature is compared, not prefix-matched.
        let short = &header[..header.len() - 2];
        assert_eq!(
            webhook().verify(PAYLOAD, Some(short)),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn an_empty_secret_never_matches() {
        for secret in ["", " "] {
            let header = signature_header(PAYLOAD, secret, NOW);
            assert_eq!(
                Webhook::new(secret)
                    .clock(|| NOW)
                    .verify(PAYLOAD, Some(&header)),
                Err(WebhookError::NoMatchingSignature)
            );
        }
    }

    #[test]
    fn any_matching_v1_signature_is_enough() {
        let wrong = v1(PAYLOAD, "whsec_rolled_away", NOW);
        let right = v1(PAYLOAD, SECRET, NOW);
        let header = format!("t={NOW},v1={wrong},v1={right}");
        assert_eq!(webhook().verify(PAYLOAD, Some(&header)), Ok(()));
        let header = format!("t={NOW},v1={right},v1={wrong}");
        assert_eq!(webhook().verify(PAYLOAD, Some(&header)), Ok(()));
    }

    #[test]
    fn v0_and_unknown_elements_are_ignored() {
        let right = v1(PAYLOAD, SECRET, NOW);
        let header = format!("v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39,t={NOW},v1={right},x=y,z");
        assert_eq!(webhook().verify(PAYLOAD, Some(&header)), Ok(()));
        // A v0 signature that would match is still not accepted on its own.
        let header = format!("t={NOW},v0={right}");
        assert_eq!(
            webhook().verify(PAYLOAD, Some(&header)),
            Err(WebhookError::NoV1Signature)
        );
    }

    #[test]
    fn old_timestamps_are_rejected_past_the_tolerance() {
        let at = |age: i64| signature_header(PAYLOAD, SECRET, NOW - age);
        assert_eq!(webhook().verify(PAYLOAD, Some(&at(300))), Ok(()));
        let err = webhook().verify(PAYLOAD, Some(&at(301))).unwrap_err();
        assert_eq!(
            err,
            WebhookError::TimestampOutsideTolerance {
                timestamp: NOW - 301,
                now: NOW,
                tolerance: DEFAULT_TOLERANCE,
            }
        );
        assert_eq!(
            err.to_string(),
            "the signature timestamp 1699999699 is 301 s before now (1700000000), more than the \
             tolerance of 300 s"
        );
    }

    #[test]
    fn the_tolerance_is_configurable() {
        let header = signature_header(PAYLOAD, SECRET, NOW - 60);
        let strict = webhook().tolerance(Duration::from_secs(59));
        assert!(matches!(
            strict.verify(PAYLOAD, Some(&header)),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
        let exact = webhook().tolerance(Duration::from_secs(60));
        assert_eq!(exact.verify(PAYLOAD, Some(&header)), Ok(()));
        // Sub-second parts are ignored: the timestamp has whole seconds.
        let fractional = webhook().tolerance(Duration::from_millis(60_999));
        assert_eq!(fractional.verify(PAYLOAD, Some(&header)), Ok(()));

        let zero = webhook().tolerance(Duration::ZERO);
        assert_eq!(
            zero.verify(PAYLOAD, Some(&signature_header(PAYLOAD, SECRET, NOW))),
            Ok(())
        );
        assert!(zero
            .verify(PAYLOAD, Some(&signature_header(PAYLOAD, SECRET, NOW - 1)))
            .is_err());

        let ancient = signature_header(PAYLOAD, SECRET, i64::MIN);
        let any_age = webhook().tolerance(Duration::MAX).clock(|| i64::MAX);
        assert_eq!(any_age.verify(PAYLOAD, Some(&ancient)), Ok(()));
        assert!(webhook().verify(PAYLOAD, Some(&ancient)).is_err());
    }

    #[test]
    fn future_timestamps_are_accepted_as_in_stripe_python() {
        for ahead in [1, 301, 86_400 * 365] {
            let header = signature_header(PAYLOAD, SECRET, NOW + ahead);
            assert_eq!(webhook().verify(PAYLOAD, Some(&header)), Ok(()));
        }
        let header = signature_header(PAYLOAD, SECRET, i64::MAX);
        assert_eq!(
            webhook().clock(|| i64::MIN).verify(PAYLOAD, Some(&header)),
            Ok(())
        );
    }

    #[test]
    fn the_signature_is_checked_before_the_timestamp() {
        let header = signature_header(PAYLOAD, "whsec_other", NOW - 1000);
        assert_eq!(
            webhook().verify(PAYLOAD, Some(&header)),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn construct_event_verifies_then_parses() {
        let header = signature_header(PAYLOAD, SECRET, NOW);
        let event: Event<String, serde_json::Value> =
            webhook().construct_event(PAYLOAD, Some(&header)).unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(event.type_, "identity.verification_session.verified");
        assert_eq!(event.created, Timestamp(1_699_999_990));
        assert_eq!(event.data.object["id"], "vs_1");
        assert_eq!(event.data.previous_attributes, None);
        assert_eq!(event.request, Some(EventRequest::default()));
        assert_eq!(event.account, None);

        let result: Result<Event<String, serde_json::Value>, _> =
            webhook().construct_event(&PAYLOAD[1..], Some(&header));
        assert_eq!(result.unwrap_err(), WebhookError::NoMatchingSignature);
    }

    #[test]
    fn construct_event_names_the_failing_path() {
        let payload = br#"{"id":"evt_1","object":"event","api_version":null,"created":"yesterday","data":{"object":{}},"livemode":false,"pending_webhooks":0,"request":null,"type":"x"}"#;
        let header = signature_header(payload, SECRET, NOW);
        let err = webhook()
            .construct_event::<Event<String, serde_json::Value>>(payload, Some(&header))
            .unwrap_err();
        let WebhookError::InvalidPayload { path, message } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(path, "created");
        assert!(message.starts_with("invalid type: string"), "{message}");
        assert!(err
            .to_string()
            .starts_with("the webhook payload does not match at `created`: invalid type"));

        let trailing = br#"{"a":1} {"#;
        let header = signature_header(trailing, SECRET, NOW);
        let err = webhook()
            .construct_event::<serde_json::Value>(trailing, Some(&header))
            .unwrap_err();
        assert!(
            matches!(&err, WebhookError::InvalidPayload { path, .. } if path == "."),
            "{err:?}"
        );
    }

    #[test]
    fn the_top_level_object_is_read_from_any_json_object() {
        for (payload, object) in [
            (&br#"{"object":"v2.core.event"}"#[..], Some("v2.core.event")),
            (
                br#"{"id":"evt_1","object":"event","data":{"object":{}}}"#,
                Some("event"),
            ),
            (br#"{"data":{"object":"v2.core.event"}}"#, None),
            (br#"{"object":"a","object":"b"}"#, Some("b")),
            (br#"{"object":"a","object":null}"#, None),
            (br#"{"object":"\u0065vent"}"#, Some("event")),
            (br#"{"object":1}"#, None),
            (br#"["object"]"#, None),
            (br#"{"object":"event"} x"#, None),
            (b"{\"object\":\"event\",\"x\":\"\xff\"}", None),
        ] {
            assert_eq!(
                top_level_object(payload).as_deref(),
                object,
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    #[test]
    fn events_round_trip() {
        let full = serde_json::json!({
            "id": "evt_2",
            "object": "event",
            "account": "acct_1",
            "api_version": null,
            "context": "acct_1/ctx",
            "created": 1,
            "data": {
                "object": {"id": "vs_1"},
                "previous_attributes": {"status": "processing"}
            },
            "livemode": true,
            "pending_webhooks": 0,
            "request": {"id": "req_1", "idempotency_key": "key"},
            "type": "identity.verification_session.updated"
        });
        let minimal = serde_json::json!({
            "id": "evt_3",
            "object": "event",
            "api_version": "2026-09-30.endive",
            "created": 1,
            "data": {"object": {}},
            "livemode": false,
            "pending_webhooks": 1,
            "request": null,
            "type": "x"
        });
        for json in [full, minimal] {
            let event: Event<String, serde_json::Value> =
                serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&event).unwrap(), json);
        }
    }

    #[test]
    fn every_error_displays() {
        let cases = [
            (
                WebhookError::MissingHeader,
                "the Stripe-Signature header is missing or empty",
            ),
            (
                WebhookError::MalformedHeader("no `t` timestamp".to_owned()),
                "malformed Stripe-Signature header: no `t` timestamp",
            ),
            (
                WebhookError::NoV1Signature,
                "the Stripe-Signature header has no v1 signature",
            ),
            (
                WebhookError::NoMatchingSignature,
                "no v1 signature in the Stripe-Signature header matches the payload and the \
                 endpoint secret",
            ),
            (
                WebhookError::InvalidPayload {
                    path: "data.object".to_owned(),
                    message: "missing field `id`".to_owned(),
                },
                "the webhook payload does not match at `data.object`: missing field `id`",
            ),
            (
                WebhookError::ThinEventNotification,
                "the webhook payload is a thin event notification (\"object\": \"v2.core.event\"), \
                 not a snapshot event: parse it with Webhook::parse_event_notification",
            ),
            (
                WebhookError::SnapshotEvent,
                "the webhook payload is a snapshot event (\"object\": \"event\"), not a thin \
                 event notification: parse it with Webhook::construct_event",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn debug_redacts_the_secret() {
        let shown = format!("{:?}", Webhook::new("whsec_very_secret"));
        assert!(!shown.contains("very_secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let copy = webhook().clone();
        assert_eq!(
            copy.verify(PAYLOAD, Some(&signature_header(PAYLOAD, SECRET, NOW))),
            Ok(())
        );
    }
}
