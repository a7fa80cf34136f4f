//! The one error type of every call.

use std::fmt;

use serde::Deserialize;

/// What a call can fail with. API errors are split the way Stripe's SDKs split them, by HTTP
/// status and error type; each carries the status and the `Request-Id`.
///
/// Errors of the v2 API (paths under `/v2`) are split by their `type` first, as stripe-python
/// splits them: `idempotency_error` is [`Error::Idempotency`], `rate_limit` is
/// [`Error::RateLimit`], the types of v2's own errors (`temporary_session_expired`,
/// `insufficient_funds`, ...) are [`Error::V2`], and any other by its status as above. Whatever
/// the variant, [`Error::api_error`] gives the details to match on (`type_`, `code`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// 400 or 404: a parameter is missing or wrong (see `param` and `code`).
    InvalidRequest(Box<ApiError>),
    /// 401: the API key is missing or wrong.
    Authentication(Box<ApiError>),
    /// 402: a card was declined (see `decline_code`).
    Card(Box<ApiError>),
    /// 403: the key may not do this.
    Permission(Box<ApiError>),
    /// 429: too many requests.
    RateLimit(Box<ApiError>),
    /// An idempotency key was reused with different parameters.
    Idempotency(Box<ApiError>),
    /// An error of the v2 API of a type of its own, one stripe-python raises as a class of its
    /// own: `already_canceled`, `blocked_by_stripe`, `cannot_proceed`, `capability_not_enabled`,
    /// `controlled_by_alternate_resource`, `feature_not_enabled`, `financial_account_not_open`,
    /// `fx_quote_needs_refresh`, `insufficient_funds`, `invalid_payment_method`,
    /// `invalid_payout_method`, `invalid_vaulted_credential`, `not_cancelable`,
    /// `quota_exceeded`, `recipient_not_notifiable`, `temporary_session_expired`,
    /// `verification_attempt_failed`, `verification_expired`, `verification_not_initiated`.
    /// Match on `type_` (and `code` for the detail); fields particular to a type (`reason`,
    /// `invalid_param`, `verification_status`) are in `raw`.
    V2(Box<ApiError>),
    /// Any other error status, 5xx included.
    Api(Box<ApiError>),
    /// The request never got a response.
    Connection(reqwest::Error),
    /// No response within the timeout.
    Timeout,
    /// A response that does not match the generated types: `path` is the JSON path of the
    /// failing value.
    Deserialize {
        status: u16,
        request_id: Option<String>,
        path: String,
        message: String,
    },
    /// Parameters that could not be form-encoded.
    Encode(String),
    /// A path given to [`Client::raw_request`](crate::Client::raw_request) that is not an API
    /// path.
    InvalidPath { path: String, reason: &'static str },
    /// The HTTP client (its TLS backend) or a request could not be built: nothing was sent.
    Build(reqwest::Error),
}

/// The details Stripe returns with an error status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub request_id: Option<String>,
    /// `api_error`, `card_error`, `idempotency_error` or `invalid_request_error`.
    pub type_: String,
    pub code: Option<String>,
    pub decline_code: Option<String>,
    pub message: Option<String>,
    pub param: Option<String>,
    pub doc_url: Option<String>,
    /// The whole `error` object, for fields not listed here.
    pub raw: serde_json::Value,
}

impl ApiError {
    /// A message meant for the end user, which v2 errors can carry (`user_message`) besides the
    /// one for the developer (`message`).
    pub fn user_message(&self) -> Option<&str> {
        self.raw.get("user_message").and_then(|v| v.as_str())
    }
}

/// The error types of the v2 API that stripe-python 16.1.0 raises as exception classes of their
/// own (`_api_requestor.py`, `specific_v2_api_error`), besides `idempotency_error` and
/// `rate_limit`.
const V2_ERROR_TYPES: [&str; 19] = [
    "already_canceled",
    "blocked_by_stripe",
    "cannot_proceed",
    "capability_not_enabled",
    "controlled_by_alternate_resource",
    "feature_not_enabled",
    "financial_account_not_open",
    "fx_quote_needs_refresh",
    "insufficient_funds",
    "invalid_payment_method",
    "invalid_payout_method",
    "invalid_vaulted_credential",
    "not_cancelable",
    "quota_exceeded",
    "recipient_not_notifiable",
    "temporary_session_expired",
    "verification_attempt_failed",
    "verification_expired",
    "verification_not_initiated",
];

#[derive(Deserialize)]
struct ErrorBody {
    error: serde_json::Value,
}

impl Error {
    /// Classifies an error response, whatever its body holds: of the v2 API when `v2` (the
    /// request's path is under `/v2`, as stripe-python decides), otherwise of v1.
    pub(crate) fn from_response(
        status: u16,
        request_id: Option<String>,
        body: &[u8],
        v2: bool,
    ) -> Self {
        let raw = serde_json::from_slice::<ErrorBody>(body)
            .map(|b| b.error)
            .unwrap_or_else(|_| serde_json::json!({ "message": String::from_utf8_lossy(body) }));
        let text = |key: &str| raw.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let error = Box::new(ApiError {
            status,
            request_id,
            type_: text("type").unwrap_or_default(),
            code: text("code"),
            decline_code: text("decline_code"),
            message: text("message"),
            param: text("param"),
            doc_url: text("doc_url"),
            raw: raw.clone(),
        });
        if v2 {
            match error.type_.as_str() {
                "idempotency_error" => return Self::Idempotency(error),
                "rate_limit" => return Self::RateLimit(error),
                kind if V2_ERROR_TYPES.contains(&kind) => return Self::V2(error),
                _ => {}
            }
        }
        match (status, error.type_.as_str()) {
            (_, "idempotency_error") => Self::Idempotency(error),
            (400 | 404, _) => Self::InvalidRequest(error),
            (401, _) => Self::Authentication(error),
            (402, _) => Self::Card(error),
            (403, _) => Self::Permission(error),
            (429, _) => Self::RateLimit(error),
            _ => Self::Api(error),
        }
    }

    /// The API error details, for errors Stripe answered with.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::InvalidRequest(e)
            | Self::Authentication(e)
            | Self::Card(e)
            | Self::Permission(e)
            | Self::RateLimit(e)
            | Self::Idempotency(e)
            | Self::V2(e)
            | Self::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(e)
            | Self::Authentication(e)
            | Self::Card(e)
            | Self::Permission(e)
            | Self::RateLimit(e)
            | Self::Idempotency(e)
            | Self::V2(e)
            | Self::Api(e) => {
                write!(f, "Stripe returned {} ({})", e.status, e.type_)?;
                if let Some(message) = &e.message {
                    write!(f, ": {message}")?;
                }
                if let Some(param) = &e.param {
                    write!(f, " [param: {param}]")?;
                }
                if let Some(id) = &e.request_id {
                    write!(f, " [request: {id}]")?;
                }
                Ok(())
            }
            Self::Connection(e) => write!(f, "could not reach Stripe: {e}"),
            Self::Timeout => f.write_str("Stripe did not answer in time"),
            Self::Deserialize {
                status,
                request_id,
                path,
                message,
            } => {
                write!(f, "unexpected response ({status}) at `{path}`: {message}")?;
                if let Some(id) = request_id {
                    write!(f, " [request: {id}]")?;
                }
                Ok(())
            }
            Self::Encode(message) => write!(f, "could not encode the parameters: {message}"),
            Self::InvalidPath { path, reason } => write!(f, "invalid API path `{path}`: {reason}"),
            Self::Build(e) => write!(f, "could not build the HTTP client or request: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connection(e) | Self::Build(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, error: serde_json::Value, v2: bool) -> Error {
        let body = serde_json::json!({ "error": error }).to_string();
        Error::from_response(status, Some("req_1".to_owned()), body.as_bytes(), v2)
    }

    #[test]
    fn v2_errors_are_split_by_type_before_status() {
        let expired = serde_json::json!({
            "type": "temporary_session_expired",
            "code": "session_expired",
            "message": "The session expired.",
            "user_message": "Please start again.",
        });
        let error = classify(400, expired.clone(), true);
        let Error::V2(details) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(details.type_, "temporary_session_expired");
        assert_eq!(details.code.as_deref(), Some("session_expired"));
        assert_eq!(details.message.as_deref(), Some("The session expired."));
        assert_eq!(details.user_message(), Some("Please start again."));
        assert_eq!(details.request_id.as_deref(), Some("req_1"));
        // The same body from a v1 path is classified by status.
        assert!(matches!(
            classify(400, expired, false),
            Error::InvalidRequest(_)
        ));

        for kind in V2_ERROR_TYPES {
            let error = classify(402, serde_json::json!({ "type": kind }), true);
            assert!(matches!(error, Error::V2(_)), "{kind}: {error:?}");
        }
        let idempotency = serde_json::json!({ "type": "idempotency_error" });
        assert!(matches!(
            classify(409, idempotency, true),
            Error::Idempotency(_)
        ));
        let rate = serde_json::json!({ "type": "rate_limit", "code": "too_many" });
        assert!(matches!(classify(400, rate, true), Error::RateLimit(_)));
    }

    #[test]
    fn other_v2_errors_fall_back_to_the_status() {
        let invalid = serde_json::json!({ "type": "invalid_request_error", "code": "missing" });
        for (status, expected) in [
            (400, "InvalidRequest"),
            (404, "InvalidRequest"),
            (401, "Authentication"),
            (402, "Card"),
            (403, "Permission"),
            (429, "RateLimit"),
            (500, "Api"),
        ] {
            let error = classify(status, invalid.clone(), true);
            let name = format!("{error:?}");
            assert!(name.starts_with(expected), "{status}: {name}");
            assert_eq!(error.api_error().unwrap().code.as_deref(), Some("missing"));
        }
        assert_eq!(
            classify(400, invalid, true)
                .api_error()
                .unwrap()
                .user_message(),
            None
        );
    }
}
