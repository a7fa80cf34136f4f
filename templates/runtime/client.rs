//! The HTTP client every generated call goes through: the client and its builder, the request
//! each call becomes (server, URL, headers, body: a form, JSON or multipart), the loop that sends
//! it under the retry policy, and the reading of the response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::Error;
use super::form::{escape_pairs, form_pairs, multipart_body, multipart_parts, FilePart, Pairs};
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
    /// Set when [`ClientBuilder::base_url`] was called: every call then goes to `base_url`,
    /// whatever its own server.
    base_url_overridden: bool,
    stripe_version: String,
    stripe_account: Option<String>,
    stripe_context: Option<String>,
    max_network_retries: u32,
    /// `User-Agent` of v1 calls (`Stripe/v1 RustBindings/...`) and of v2 calls (`Stripe/v2 ...`),
    /// as stripe-python names the API in it.
    user_agent: String,
    user_agent_v2: String,
    client_user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &"[redacted]")
            .field("base_url", &self.settings.base_url)
            .field("base_url_overridden", &self.settings.base_url_overridden)
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
    base_url_overridden: bool,
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
    /// Sends requests here instead of `https://api.stripe.com` (for tests, stripe-mock and
    /// proxies). Every call goes here then, also those Stripe serves from another host (file
    /// uploads and downloads on `https://files.stripe.com`, meter events on
    /// `https://meter-events.stripe.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self.base_url_overridden = true;
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
        let mut application = String::new();
        if let Some(app) = &self.app_info {
            application.push(' ');
            application.push_str(&app.name);
            if let Some(version) = &app.version {
                application.push('/');
                application.push_str(version);
            }
            if let Some(url) = &app.url {
                application.push_str(&format!(" ({url})"));
            }
        }
        let user_agent = format!("Stripe/v1 RustBindings/{BINDINGS_VERSION}{application}");
        let user_agent_v2 = format!("Stripe/v2 RustBindings/{BINDINGS_VERSION}{application}");
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
                base_url_overridden: self.base_url_overridden,
                stripe_version: self.stripe_version,
                stripe_account: self.stripe_account,
                stripe_context: self.stripe_context,
                max_network_retries: self.max_network_retries,
                user_agent,
                user_agent_v2,
                client_user_agent,
            }),
            options: RequestOptions::default(),
        })
    }
}

/// Every HTTP method an OpenAPI spec can give an operation (Stripe's API has used GET, POST,
/// DELETE and, until 2021, PUT), for generated calls and [`Client::raw_request`]. `Post`, `Put`
/// and `Patch` send their parameters in a body (a form in v1, JSON in v2), the others in the
/// query string.
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

    /// Parameters go in a body for POST, PUT and PATCH, and in the query string for the rest, as
    /// in Stripe's SDKs (GET, DELETE).
    fn sends_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }

    /// POST and PATCH are the methods HTTP does not make idempotent: they carry an
    /// `Idempotency-Key`, as POSTs do in Stripe's SDKs.
    fn needs_idempotency_key(self) -> bool {
        matches!(self, Method::Post | Method::Patch)
    }
}

/// How a call's parameters travel (part of its [`Route`]).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// v1: a form body (`application/x-www-form-urlencoded`) for POST, PUT and PATCH, the query
    /// string otherwise.
    Form,
    /// v1 file uploads (`POST /v1/files`): a `multipart/form-data` body, whose parts are the
    /// form's pairs and the call's [`FileUpload`](super::FileUpload)s. A method without a body
    /// sends the form pairs in the query string.
    Multipart,
    /// v2: a JSON body (`application/json`) for POST, PUT and PATCH; for GET and DELETE the query
    /// string, encoded as forms are (see [`Client::send_route`]).
    Json,
}

/// What a generated call needs to know to send its request, besides path and parameters.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: Method,
    /// The operation's own server from the spec (`"https://files.stripe.com"`, no trailing
    /// slash), if any; `None` is the client's base URL (`https://api.stripe.com`).
    pub server: Option<&'static str>,
    pub encoding: Encoding,
}

/// Whether a path belongs to the v2 API, decided as stripe-python decides it (`get_api_mode`:
/// the path starts with `/v2`). It names the API in `User-Agent`, puts an `Idempotency-Key` on
/// DELETE and splits error responses by type ([`Error`]).
fn is_v2(path: &str) -> bool {
    path.starts_with("/v2")
}

/// A call's parameters, encoded for where they go.
pub(crate) enum Payload {
    /// Form pairs: a form body, or the query string of a method without a body.
    Form(Pairs),
    /// Form pairs that already hold the options' expansions and extra parameters (a `list_all`
    /// page's query).
    FormWithOptions(Pairs),
    /// The pairs and files of a multipart body.
    Multipart(Pairs, Vec<FilePart>),
    /// A JSON body (always an object).
    Json(serde_json::Value),
    /// No parameters, not even the options' extra ones: the next page of a v2 list, whose URL
    /// is the whole request.
    Nothing,
}

/// One call's request as every attempt sends it: built once, so a retry sends the same URL,
/// body and `Idempotency-Key`.
pub(crate) struct Outgoing {
    method: Method,
    /// Server, path and query string.
    url: String,
    /// `Content-Type` and bytes, for the methods that send a body.
    body: Option<(String, Vec<u8>)>,
    idempotency_key: Option<String>,
    v2: bool,
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
            base_url_overridden: false,
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
    /// DELETE, HEAD, OPTIONS and TRACE and in a form body for POST, PUT and PATCH. The same as
    /// [`Client::send_route`] with [`Encoding::Form`] on the client's base URL.
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
        let route = Route {
            method,
            server: None,
            encoding: Encoding::Form,
        };
        self.send_route(route, path, params).await
    }

    /// Sends one request of any API: v1 or v2, on the operation's own server, with the
    /// parameters encoded as `route` says. Generated calls use this.
    ///
    /// - **Server**: `route.server` when the operation has one (`https://files.stripe.com`),
    ///   else the client's base URL; but when the base URL was set with
    ///   [`ClientBuilder::base_url`], every call goes there.
    /// - [`Encoding::Form`] and [`Encoding::Multipart`] (v1): the form pairs of `params`, then
    ///   [`RequestOptions`]' `expand` and extra parameters.
    /// - [`Encoding::Json`] (v2), as stripe-python 16.1.0 sends v2 requests
    ///   (`_APIRequestor._args_for_request_with_retries`): a POST sends `params` as a JSON
    ///   object with exactly the members they serialize (absent `Option`s are left out by the
    ///   generated types, [`Nullable::Null`](super::Nullable) is `null`); without parameters the
    ///   body is `{}`. Extra parameters of [`RequestOptions`] become members of that object,
    ///   their keys read as paths (`"a[b]"` is member `b` of member `a`) and their values
    ///   strings. `expand` is not sent: v2 has no expansion (its calls take `include`).
    ///   GET and DELETE send the parameters in the query string, encoded as stripe-python
    ///   encodes them for v1 and v2 alike (`_api_encode` + `urlencode`): nested objects as
    ///   `a[b]=v`, arrays indexed (`include[0]=a&include[1]=b`), booleans `true`/`false`,
    ///   numbers as their text, `null` and absent values left out; then the extra parameters.
    ///   A POST to a v2 `.../search` path sends its `limit` in the query string, not the body
    ///   (stripe-python's `StripeService._request`).
    /// - **Idempotency-Key**: on POST and PATCH, and on DELETE under `/v2` (stripe-python puts
    ///   one on "all POST requests and v2 delete requests"); one key across every retry.
    #[doc(hidden)]
    pub async fn send_route<P, T>(
        &self,
        route: Route,
        path: String,
        params: Option<&P>,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let outgoing = self.prepare(route, &path, params)?;
        let (meta, body) = self.execute_outgoing(&outgoing).await?;
        if route.method == Method::Head {
            // A HEAD response has no body: it reads as JSON `null`.
            return decode(meta.status, meta.request_id, b"null");
        }
        decode(meta.status, meta.request_id, &body)
    }

    /// Sends one request like [`Client::send_route`] and returns the body of a successful
    /// response as it is, for binary answers (`GET /v1/quotes/{quote}/pdf` on
    /// `https://files.stripe.com`, a PDF). An error response is still JSON and becomes an
    /// [`Error`] as usual.
    #[doc(hidden)]
    pub async fn send_route_bytes<P>(
        &self,
        route: Route,
        path: String,
        params: Option<&P>,
    ) -> Result<Vec<u8>, Error>
    where
        P: Serialize + ?Sized,
    {
        let outgoing = self.prepare(route, &path, params)?;
        let (_, body) = self.execute_outgoing(&outgoing).await?;
        Ok(body)
    }

    /// Calls any API path with any parameters: for preview endpoints and anything else this
    /// crate has no typed call for (stripe-python's `raw_request`, stripe-node's `rawRequest`).
    ///
    /// The request is made exactly as a generated call makes it: for a v1 path `params` (any
    /// `Serialize` value, typically a `serde_json::json!` object; `null` members are left out)
    /// is form-encoded as Stripe expects, into the body for `Post`, `Put` and `Patch` and the
    /// query string for the other methods. A path under `/v2` is a v2 call, as in stripe-python:
    /// a JSON body (`null` members are sent, and clear a value) or the query string, and an
    /// `Idempotency-Key` on DELETE too (see [`Client::send_route`]). The same headers,
    /// [`RequestOptions`] (through [`Client::with_options`]), retries and `Idempotency-Key`
    /// apply, and error responses become the same [`Error`]s. The response parses as any `T`,
    /// such as `serde_json::Value` or a type of your own. It goes to the client's base URL.
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
        let route = Route {
            method,
            server: None,
            encoding: if is_v2(path) {
                Encoding::Json
            } else {
                Encoding::Form
            },
        };
        let outgoing = self.prepare(route, path, Some(params))?;
        let (meta, body) = self.execute_outgoing(&outgoing).await?;
        decode(meta.status, meta.request_id, &body)
    }

    /// The form pairs of a request: the parameters' own, then the options' `expand` entries
    /// (indexed after the parameters' own `expand[N]`), then the options' extra parameters.
    pub(crate) fn encode<P: Serialize + ?Sized>(&self, params: Option<&P>) -> Result<Pairs, Error> {
        let pairs = match params {
            Some(params) => form_pairs(params)?,
            None => Pairs::new(),
        };
        Ok(self.with_options_pairs(pairs, true))
    }

    /// `pairs`, then (when `expand`) the options' `expand` entries, then their extra parameters.
    fn with_options_pairs(&self, mut pairs: Pairs, expand: bool) -> Pairs {
        if expand && !self.options.expand.is_empty() {
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
        pairs
    }

    /// The request of one call. Only the encoding of `params` depends on their type; the rest is
    /// compiled once ([`Client::outgoing`]).
    fn prepare<P: Serialize + ?Sized>(
        &self,
        route: Route,
        path: &str,
        params: Option<&P>,
    ) -> Result<Outgoing, Error> {
        let body = route.method.sends_body();
        let payload = match (route.encoding, body) {
            (Encoding::Json, true) => Payload::Json(match params {
                Some(params) => {
                    serde_json::to_value(params).map_err(|e| Error::Encode(e.to_string()))?
                }
                None => serde_json::Value::Null,
            }),
            (Encoding::Multipart, true) => match params {
                Some(params) => {
                    let (pairs, files) = multipart_parts(params)?;
                    Payload::Multipart(pairs, files)
                }
                None => Payload::Multipart(Pairs::new(), Vec::new()),
            },
            _ => Payload::Form(match params {
                Some(params) => form_pairs(params)?,
                None => Pairs::new(),
            }),
        };
        self.outgoing(route, path, payload)
    }

    /// The request of one call from its encoded parameters: server, query string or body (with
    /// the options' expansions and extra parameters), and idempotency key.
    pub(crate) fn outgoing(
        &self,
        route: Route,
        path: &str,
        payload: Payload,
    ) -> Result<Outgoing, Error> {
        let v2 = is_v2(path);
        let base = match route.server {
            Some(server) if !self.settings.base_url_overridden => server,
            _ => &self.settings.base_url,
        };
        let mut url = format!("{base}{path}");
        let expand = route.encoding != Encoding::Json;
        let body = match payload {
            Payload::Nothing => None,
            Payload::Form(pairs) => form_body_or_query(
                route.method,
                &mut url,
                &self.with_options_pairs(pairs, expand),
            ),
            Payload::FormWithOptions(pairs) => form_body_or_query(route.method, &mut url, &pairs),
            Payload::Multipart(pairs, files) => {
                let pairs = self.with_options_pairs(pairs, expand);
                let (boundary, bytes) = multipart_body(&pairs, &files);
                Some((format!("multipart/form-data; boundary={boundary}"), bytes))
            }
            Payload::Json(mut object) => {
                if object.is_null() {
                    object = serde_json::Value::Object(serde_json::Map::new());
                }
                let Some(members) = object.as_object_mut() else {
                    return Err(Error::Encode(
                        "the parameters of a JSON body must be a struct or a map".to_owned(),
                    ));
                };
                for (key, value) in &self.options.extra_params {
                    insert_member(members, key, value);
                }
                if route.method == Method::Post && is_v2_search(path) {
                    if let Some(limit) = members.remove("limit") {
                        if !url.contains("limit=") {
                            let limit = match limit {
                                serde_json::Value::String(text) => text,
                                other => other.to_string(),
                            };
                            url.push(if url.contains('?') { '&' } else { '?' });
                            url.push_str(&escape_pairs(&[("limit".to_owned(), limit)]));
                        }
                    }
                }
                let bytes =
                    serde_json::to_vec(&object).map_err(|e| Error::Encode(e.to_string()))?;
                Some(("application/json".to_owned(), bytes))
            }
        };
        let needs_key =
            route.method.needs_idempotency_key() || (v2 && route.method == Method::Delete);
        let idempotency_key = needs_key.then(|| {
            self.options
                .idempotency_key
                .clone()
                .unwrap_or_else(super::idempotency::new_key)
        });
        Ok(Outgoing {
            method: route.method,
            url,
            body,
            idempotency_key,
            v2,
        })
    }

    /// Sends a v1 request with these form pairs, the options' included, to the client's base URL
    /// (for `list_all` pages).
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        pairs: &[(String, String)],
    ) -> Result<(ResponseMeta, Vec<u8>), Error> {
        let route = Route {
            method,
            server: None,
            encoding: Encoding::Form,
        };
        let outgoing = self.outgoing(route, path, Payload::FormWithOptions(pairs.to_vec()))?;
        self.execute_outgoing(&outgoing).await
    }

    /// The non-generic part of every call, compiled once: sends the request, retrying as
    /// Stripe's SDKs do (the same rules for v1 and v2). Every attempt sends the same request,
    /// `Idempotency-Key` included, so a retry can never apply it twice.
    pub(crate) async fn execute_outgoing(
        &self,
        outgoing: &Outgoing,
    ) -> Result<(ResponseMeta, Vec<u8>), Error> {
        let mut retries = 0;
        loop {
            let request = self.request(outgoing);
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
                return Err(Error::from_response(
                    meta.status,
                    meta.request_id,
                    &body,
                    outgoing.v2,
                ));
            }
            record(&meta);
            return Ok((meta, body));
        }
    }

    fn request(&self, outgoing: &Outgoing) -> reqwest::RequestBuilder {
        let settings = &self.settings;
        let options = &self.options;
        let mut request = self
            .http
            .request(outgoing.method.to_reqwest(), &outgoing.url);
        if let Some((content_type, bytes)) = &outgoing.body {
            request = request
                .header("Content-Type", content_type)
                .body(bytes.clone());
        }
        if let Some(key) = &outgoing.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let version = options
            .stripe_version
            .as_ref()
            .unwrap_or(&settings.stripe_version);
        let user_agent = if outgoing.v2 {
            &settings.user_agent_v2
        } else {
            &settings.user_agent
        };
        request = request
            .bearer_auth(&settings.secret_key)
            .header("Stripe-Version", version)
            .header("User-Agent", user_agent)
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

/// A form body of `pairs` for a method that sends one; otherwise `pairs` appended to `url`'s
/// query string.
fn form_body_or_query(
    method: Method,
    url: &mut String,
    pairs: &[(String, String)],
) -> Option<(String, Vec<u8>)> {
    let encoded = escape_pairs(pairs);
    if method.sends_body() {
        return Some((
            "application/x-www-form-urlencoded".to_owned(),
            encoded.into_bytes(),
        ));
    }
    if !encoded.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encoded);
    }
    None
}

/// Whether a path is a v2 search (`/v2/.../search`), whose `limit` stripe-python sends in the
/// query string.
fn is_v2_search(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    path.starts_with("/v2/") && path.ends_with("/search")
}

/// Sets an extra parameter in a JSON body: `key` is a path of members (`"a[b][c]"` is member `c`
/// of member `b` of member `a`, made objects as needed), `value` a string.
fn insert_member(members: &mut serde_json::Map<String, serde_json::Value>, key: &str, value: &str) {
    let (first, mut rest) = match key.find('[') {
        Some(open) if key.ends_with(']') => (&key[..open], &key[open..]),
        _ => (key, ""),
    };
    let mut names = vec![first];
    while let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']').unwrap_or(inner.len());
        names.push(&inner[..close]);
        rest = inner.get(close + 1..).unwrap_or_default();
    }
    let (last, parents) = names.split_last().expect("at least one name");
    let mut members = members;
    for name in parents {
        let member = members
            .entry(name.to_string())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if !member.is_object() {
            *member = serde_json::Value::Object(serde_json::Map::new());
        }
        members = member.as_object_mut().expect("made an object above");
    }
    members.insert(
        last.to_string(),
        serde_json::Value::String(value.to_owned()),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_parameters_become_members_of_a_json_body() {
        let mut members = serde_json::json!({"name": "x", "a": {"keep": 1}, "s": "text"});
        let object = members.as_object_mut().unwrap();
        insert_member(object, "beta", "on");
        insert_member(object, "a[b][c]", "deep");
        insert_member(object, "s[t]", "replaced");
        insert_member(object, "odd[", "as is");
        assert_eq!(
            members,
            serde_json::json!({
                "name": "x",
                "beta": "on",
                "a": {"keep": 1, "b": {"c": "deep"}},
                "s": {"t": "replaced"},
                "odd[": "as is",
            })
        );
    }

    #[test]
    fn v2_paths_and_searches_are_recognised_as_stripe_python_recognises_them() {
        assert!(is_v2("/v2/core/events"));
        assert!(!is_v2("/v1/customers"));
        assert!(is_v2_search("/v2/core/accounts/search"));
        assert!(is_v2_search("/v2/core/accounts/search?x=1"));
        assert!(!is_v2_search("/v1/customers/search"));
        assert!(!is_v2_search("/v2/core/search_things"));
    }
}
