//! The HTTP client every generated call goes through: the client and its builder, the request
//! each call becomes (URL, headers, body), the loop that sends it under the retry policy, and the
//! reading of the response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::Error;
use super::form::{escape_pairs, form_pairs, Pairs};
use super::options::RequestOptions;
use super::response::{record, ResponseMeta};
use super::retry::{retry_delay, should_retry, DEFAULT_MAX_NETWORK_RETRIES};

const DEFAULT_BASE_URL: &str = "https://api.stripe.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);
const BINDINGS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A Stripe API client. Cloning is cheap: clones share the connection pool and settings.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    settings: Arc<Settings>,
    /// Overrides for the calls made through this handle (see [`Client::with_options`]).
    options: RequestOptions,
}

/// What a [`ClientBuilder`] configures, shared by every clone of a client.
struct Settings {
    secret_key: String,
    base_url: String,
    stripe_version: String,
    stripe_account: Option<String>,
    stripe_context: Option<String>,
    max_network_retries: u32,
    user_agent: String,
    client_user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &"[redacted]")
            .field("base_url", &self.settings.base_url)
            .field("stripe_version", &self.settings.stripe_version)
            .field("stripe_account", &self.settings.stripe_account)
            .field("stripe_context", &self.settings.stripe_context)
            .field("max_network_retries", &self.settings.max_network_retries)
            .field("options", &self.options)
            .finish()
    }
}

/// Who is using the client, added to `User-Agent` as Stripe's SDKs do for plugins and platforms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    stripe_version: String,
    stripe_account: Option<String>,
    stripe_context: Option<String>,
    timeout: Duration,
    max_network_retries: u32,
    app_info: Option<AppInfo>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("stripe_version", &self.stripe_version)
            .field("stripe_account", &self.stripe_account)
            .field("stripe_context", &self.stripe_context)
            .field("timeout", &self.timeout)
            .field("max_network_retries", &self.max_network_retries)
            .field("app_info", &self.app_info)
            .finish()
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

    /// Sets the `Stripe-Context` header (the account context for organization keys).
    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.stripe_context = Some(context.into());
        self
    }

    /// How often a failed request is retried (default 2): connection errors, timeouts, 409 and
    /// 5xx responses, and whatever Stripe marks with `Stripe-Should-Retry: true`.
    pub fn max_network_retries(mut self, retries: u32) -> Self {
        self.max_network_retries = retries;
        self
    }

    /// How long one attempt may take (default 80 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Names your application in `User-Agent` and `X-Stripe-Client-User-Agent`.
    pub fn app_info(
        mut self,
        name: impl Into<String>,
        version: Option<String>,
        url: Option<String>,
    ) -> Self {
        self.app_info = Some(AppInfo {
            name: name.into(),
            version,
            url,
        });
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        // Feature `rustls-ring` asks for `ring` instead of reqwest's aws-lc-rs: it becomes the
        // process default unless the program installed a provider first.
        #[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // rustls deprecates this provider for lacking post-quantum key exchange; the feature
            // is the user's informed choice of it.
            #[allow(deprecated)]
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(Error::Build)?;
        let mut user_agent = format!("Stripe/v1 RustBindings/{BINDINGS_VERSION}");
        if let Some(app) = &self.app_info {
            user_agent.push(' ');
            user_agent.push_str(&app.name);
            if let Some(version) = &app.version {
                user_agent.push('/');
                user_agent.push_str(version);
            }
            if let Some(url) = &app.url {
                user_agent.push_str(&format!(" ({url})"));
            }
        }
        let client_user_agent = serde_json::json!({
            "bindings_version": BINDINGS_VERSION,
            "lang": "rust",
            "publisher": "stripegen",
            "application": self.app_info,
        })
        .to_string();
        Ok(Client {
            http,
            settings: Arc::new(Settings {
                secret_key: self.secret_key,
                base_url: self.base_url,
                stripe_version: self.stripe_version,
                stripe_account: self.stripe_account,
                stripe_context: self.stripe_context,
                max_network_retries: self.max_network_retries,
                user_agent,
                client_user_agent,
            }),
            options: RequestOptions::default(),
        })
    }
}

/// Every HTTP method an OpenAPI spec can give an operation (Stripe's API has used GET, POST,
/// DELETE and, until 2021, PUT), for generated calls and [`Client::raw_request`]. `Post`, `Put`
/// and `Patch` send their parameters in a form body, the others in the query string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Head => reqwest::Method::HEAD,
            Method::Patch => reqwest::Method::PATCH,
            Method::Trace => reqwest::Method::TRACE,
        }
    }

    /// Parameters go in a form body for POST, PUT and PATCH, and in the query string for the
    /// rest, as in Stripe's SDKs (GET, DELETE).
    fn sends_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }

    /// POST and PATCH are the methods HTTP does not make idempotent: they carry an
    /// `Idempotency-Key`, as POSTs do in Stripe's SDKs.
    fn needs_idempotency_key(self) -> bool {
        matches!(self, Method::Post | Method::Patch)
    }
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
            stripe_context: None,
            timeout: DEFAULT_TIMEOUT,
            max_network_retries: DEFAULT_MAX_NETWORK_RETRIES,
            app_info: None,
        }
    }

    /// A handle whose calls use `options`; it shares this client's connections. Options also
    /// apply to every page fetched by a `list_all` stream started from the handle.
    ///
    /// ```no_run
    /// # async fn example(client: &stripe_api::Client) -> Result<(), stripe_api::Error> {
    /// use stripe_api::RequestOptions;
    ///
    /// let options = RequestOptions::new().idempotency_key("order-42").stripe_account("acct_1");
    /// let connected = client.with_options(options);
    /// let balance: serde_json::Value = connected
    ///     .raw_request(stripe_api::Method::Get, "/v1/balance", &())
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            http: self.http.clone(),
            settings: Arc::clone(&self.settings),
            options,
        }
    }

    /// Sends one request. Generated calls use this; parameters go in the query string for GET,
    /// DELETE, HEAD, OPTIONS and TRACE and in a form body for POST, PUT and PATCH.
    #[doc(hidden)]
    pub async fn send<P, T>(
        &self,
        method: Method,
        path: String,
        params: Option<&P>,
    ) -> Result<T, Error>
    where
        P: Serialize,
        T: DeserializeOwned,
    {
        let pairs = self.encode(params)?;
        let (meta, body) = self.execute(method, &path, &pairs).await?;
        if method == Method::Head {
            // A HEAD response has no body: it reads as JSON `null`.
            return decode(meta.status, meta.request_id, b"null");
        }
        decode(meta.status, meta.request_id, &body)
    }

    /// Calls any API path with any parameters: for preview endpoints and anything else this
    /// crate has no typed call for (stripe-python's `raw_request`, stripe-node's `rawRequest`).
    ///
    /// The request is made exactly as a generated call makes it: `params` (any `Serialize`
    /// value, typically a `serde_json::json!` object; `null` members are left out) is
    /// form-encoded as Stripe expects, into the body for `Post`, `Put` and `Patch` and the query
    /// string for the other methods; the same headers, [`RequestOptions`] (through [`Client::with_options`]),
    /// retries and `Idempotency-Key` apply, and error responses become the same [`Error`]s. The
    /// response parses as any `T`, such as `serde_json::Value` or a type of your own.
    ///
    /// ```no_run
    /// # async fn example(client: &stripe_api::Client) -> Result<(), stripe_api::Error> {
    /// use serde_json::json;
    /// use stripe_api::Method;
    ///
    /// let thing: serde_json::Value = client
    ///     .raw_request(Method::Post, "/v1/preview/things", &json!({"name": "x", "tags": ["a"]}))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// `path` starts with `/` (`/v1/...`); put IDs into it with care (they are not escaped).
    pub async fn raw_request<P, T>(
        &self,
        method: Method,
        path: &str,
        params: &P,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        if !path.starts_with('/') {
            return Err(Error::InvalidPath {
                path: path.to_owned(),
                reason: "it must start with `/`, as in `/v1/customers`",
            });
        }
        let pairs = self.encode(Some(params))?;
        let (meta, body) = self.execute(method, path, &pairs).await?;
        decode(meta.status, meta.request_id, &body)
    }

    /// The form pairs of a request: the parameters' own, then the options' `expand` entries
    /// (indexed after the parameters' own `expand[N]`), then the options' extra parameters.
    pub(crate) fn encode<P: Serialize + ?Sized>(&self, params: Option<&P>) -> Result<Pairs, Error> {
        let mut pairs = match params {
            Some(params) => form_pairs(params)?,
            None => Pairs::new(),
        };
        if !self.options.expand.is_empty() {
            let next = pairs
                .iter()
                .filter_map(|(key, _)| expand_index(key))
                .max()
                .map_or(0, |last| last + 1);
            for (offset, field) in self.options.expand.iter().enumerate() {
                pairs.push((format!("expand[{}]", next + offset), field.clone()));
            }
        }
        pairs.extend(self.options.extra_params.iter().cloned());
        Ok(pairs)
    }

    /// The non-generic part of `send`, compiled once for all calls: sends the request, retrying
    /// as Stripe's SDKs do. A POST (or PATCH) carries one `Idempotency-Key` across all its
    /// attempts, so a retry can never apply the request twice.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        pairs: &[(String, String)],
    ) -> Result<(ResponseMeta, Vec<u8>), Error> {
        let encoded = escape_pairs(pairs);
        let idempotency_key = method.needs_idempotency_key().then(|| {
            self.options
                .idempotency_key
                .clone()
                .unwrap_or_else(super::idempotency::new_key)
        });
        let mut retries = 0;
        loop {
            let request = self.request(method, path, &encoded, idempotency_key.as_deref());
            let outcome = match request.send().await {
                Ok(response) => read_response(response).await,
                Err(error) => Err(connection_error(error)),
            };
            if retries < self.settings.max_network_retries && should_retry(&outcome) {
                retries += 1;
                tokio::time::sleep(retry_delay(retries)).await;
                continue;
            }
            let received = outcome?;
            let (meta, body) = (received.meta, received.body);
            if !(200..300).contains(&meta.status) {
                return Err(Error::from_response(meta.status, meta.request_id, &body));
            }
            record(&meta);
            return Ok((meta, body));
        }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        encoded: &str,
        idempotency_key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let settings = &self.settings;
        let options = &self.options;
        let mut url = format!("{}{}", settings.base_url, path);
        let mut request = if method.sends_body() {
            self.http
                .request(method.to_reqwest(), &url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded.to_owned())
        } else {
            if !encoded.is_empty() {
                url.push('?');
                url.push_str(encoded);
            }
            self.http.request(method.to_reqwest(), &url)
        };
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let version = options
            .stripe_version
            .as_ref()
            .unwrap_or(&settings.stripe_version);
        request = request
            .bearer_auth(&settings.secret_key)
            .header("Stripe-Version", version)
            .header("User-Agent", &settings.user_agent)
            .header("X-Stripe-Client-User-Agent", &settings.client_user_agent);
        let account = options
            .stripe_account
            .as_ref()
            .or(settings.stripe_account.as_ref());
        if let Some(account) = account {
            request = request.header("Stripe-Account", account);
        }
        let context = options
            .stripe_context
            .as_ref()
            .or(settings.stripe_context.as_ref());
        if let Some(context) = context {
            request = request.header("Stripe-Context", context);
        }
        if let Some(timeout) = options.timeout {
            request = request.timeout(timeout);
        }
        request
    }
}

/// The `N` of a top-level `expand[N]` key.
fn expand_index(key: &str) -> Option<usize> {
    key.strip_prefix("expand[")?.strip_suffix(']')?.parse().ok()
}

/// Parses a successful response body, naming the JSON path of any mismatch.
pub(crate) fn decode<T: DeserializeOwned>(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
) -> Result<T, Error> {
    super::json::parse(body).map_err(|failure| Error::Deserialize {
        status,
        request_id,
        path: failure.path,
        message: failure.message,
    })
}

/// A response as received: status, `Request-Id` and headers, body, and `Stripe-Should-Retry`.
pub(crate) struct Received {
    pub(crate) meta: ResponseMeta,
    pub(crate) body: Vec<u8>,
    pub(crate) should_retry: Option<bool>,
}

async fn read_response(response: reqwest::Response) -> Result<Received, Error> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let request_id = header("Request-Id");
    let should_retry = header("Stripe-Should-Retry").map(|v| v == "true");
    let body = response.bytes().await.map_err(connection_error)?;
    Ok(Received {
        meta: ResponseMeta {
            status,
            request_id,
            headers,
        },
        body: body.to_vec(),
        should_retry,
    })
}

/// A failed attempt: a request reqwest could not even build (an invalid URL or header value) is
/// the caller's to fix and never retried; anything else never reached Stripe or timed out.
fn connection_error(error: reqwest::Error) -> Error {
    if error.is_builder() {
        Error::Build(error)
    } else if error.is_timeout() {
        Error::Timeout
    } else {
        Error::Connection(error)
    }
}
