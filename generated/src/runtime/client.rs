//! The HTTP client every generated call goes through.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::Error;

const DEFAULT_BASE_URL: &str = "https://api.stripe.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// A Stripe API client. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    secret_key: String,
    base_url: String,
    stripe_version: String,
    stripe_account: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("stripe_version", &self.stripe_version)
            .field("stripe_account", &self.stripe_account)
            .finish()
    }
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    stripe_version: String,
    stripe_account: Option<String>,
    timeout: Duration,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends requests here instead of `https://api.stripe.com` (for tests and proxies).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Overrides the `Stripe-Version` header (default: the version this crate was generated from).
    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.stripe_version = version.into();
        self
    }

    /// Acts on behalf of a connected account (`Stripe-Account`).
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    /// How long one request may take (default 80 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(Error::Connection)?;
        Ok(Client {
            http,
            secret_key: self.secret_key,
            base_url: self.base_url,
            stripe_version: self.stripe_version,
            stripe_account: self.stripe_account,
        })
    }
}

/// HTTP methods Stripe's API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

/// A path parameter, percent-encoded when formatted into a path.
pub struct PathSegment<'a>(pub &'a str);

impl fmt::Display for PathSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                write!(f, "{}", byte as char)?;
            } else {
                write!(f, "%{byte:02X}")?;
            }
        }
        Ok(())
    }
}

impl Client {
    /// A client with default settings.
    ///
    /// # Panics
    /// When the TLS backend cannot be initialised; use [`Client::builder`] to handle that.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self::builder(secret_key)
            .build()
            .expect("the TLS backend could not be initialised")
    }

    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            stripe_version: crate::API_VERSION.to_owned(),
            stripe_account: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sends one request. Generated calls use this; parameters go in the query string for GET
    /// and DELETE and in a form body for POST.
    #[doc(hidden)]
    pub async fn send<P, T>(
        &self,
        method: Method,
        path: &str,
        params: Option<&P>,
    ) -> Result<T, Error>
    where
        P: Serialize,
        T: DeserializeOwned,
    {
        let encoded = match params {
            Some(params) => {
                serde_qs::to_string(params).map_err(|e| Error::Encode(e.to_string()))?
            }
            None => String::new(),
        };
        let (status, request_id, body) = self.execute(method, path, encoded).await?;
        let deserializer = &mut serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(deserializer).map_err(|err| Error::Deserialize {
            status,
            request_id,
            path: err.path().to_string(),
            message: err.into_inner().to_string(),
        })
    }

    /// The non-generic part of `send`, compiled once for all calls.
    async fn execute(
        &self,
        method: Method,
        path: &str,
        encoded: String,
    ) -> Result<(u16, Option<String>, Vec<u8>), Error> {
        let mut url = format!("{}{}", self.base_url, path);
        let mut request = match method {
            Method::Get | Method::Delete => {
                if !encoded.is_empty() {
                    url.push('?');
                    url.push_str(&encoded);
                }
                let method = if method == Method::Get {
                    reqwest::Method::GET
                } else {
                    reqwest::Method::DELETE
                };
                self.http.request(method, &url)
            }
            Method::Post => self
                .http
                .post(&url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .body(encoded),
        };
        request = request
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", &self.stripe_version)
            .header(
                "User-Agent",
                concat!("Stripe/v1 RustBindings/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(account) = &self.stripe_account {
            request = request.header("Stripe-Account", account);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                Error::Timeout
            } else {
                Error::Connection(e)
            }
        })?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("Request-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(|e| {
            if e.is_timeout() {
                Error::Timeout
            } else {
                Error::Connection(e)
            }
        })?;
        if !(200..300).contains(&status) {
            return Err(Error::from_response(status, request_id, &body));
        }
        Ok((status, request_id, body.to_vec()))
    }
}
