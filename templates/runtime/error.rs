//! The one error type of every call.

use std::fmt;

use serde::Deserialize;

/// What a call can fail with. API errors are split the way Stripe's SDKs split them, by HTTP
/// status and error type; each carries the status and the `Request-Id`.
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

#[derive(Deserialize)]
struct ErrorBody {
    error: serde_json::Value,
}

impl Error {
    /// Classifies an error response, whatever its body holds.
    pub(crate) fn from_response(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
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
