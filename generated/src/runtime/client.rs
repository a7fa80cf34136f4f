//! The HTTP client every generated call goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::ser::{self, Serializer};
use serde::Serialize;

use super::error::Error;

const DEFAULT_BASE_URL: &str = "https://api.stripe.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);
const DEFAULT_MAX_NETWORK_RETRIES: u32 = 2;
const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);
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
        // Feature `rustls` brings rustls with `ring` rather than reqwest's aws-lc-rs (lighter to
        // build); it becomes the process default unless the program installed a provider first.
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(Error::Connection)?;
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

/// Per-request settings: pass them with [`Client::with_options`]. Each one that is set wins over
/// the client's own setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Sent as `Idempotency-Key` on POST (and PATCH) requests instead of a generated one.
    pub idempotency_key: Option<String>,
    pub stripe_account: Option<String>,
    pub stripe_context: Option<String>,
    pub stripe_version: Option<String>,
    /// Fields to expand, added to those of the call's parameters.
    pub expand: Vec<String>,
    /// How long each attempt may take.
    pub timeout: Option<Duration>,
    /// Parameters the call's typed parameters don't have (private-beta ones), sent after them:
    /// in the form body of a POST, in the query string otherwise. Keys are written as Stripe
    /// reads them (`foo[bar]`, `items[0][price]`).
    pub extra_params: Vec<(String, String)>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.stripe_context = Some(context.into());
        self
    }

    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.stripe_version = Some(version.into());
        self
    }

    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a parameter the typed parameters of a call don't have, such as a private-beta one,
    /// without dropping to [`Client::raw_request`]. `key` is written as Stripe reads it, nested
    /// keys included (`"foo[bar]"`, `"tags[0]"`); the pair is sent after the call's own
    /// parameters (and on every page of a `list_all` stream). Don't repeat a parameter the call
    /// already sets: Stripe would receive it twice.
    ///
    /// ```ignore
    /// let beta = client.with_options(RequestOptions::new().extra_param("beta_feature[enabled]", "true"));
    /// VerificationSession::create(&beta, &params).await?;
    /// ```
    pub fn extra_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((key.into(), value.into()));
        self
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
    /// ```ignore
    /// let options = RequestOptions::new().idempotency_key("order-42").stripe_account("acct_1");
    /// Order::create(&client.with_options(options), &params).await?;
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
        let encoded = self.encode(params)?;
        let (meta, body) = self.execute(method, &path, encoded).await?;
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
    /// ```ignore
    /// let session: serde_json::Value = client
    ///     .raw_request(Method::Post, "/v1/preview/things", &json!({"name": "x", "tags": ["a"]}))
    ///     .await?;
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
            return Err(Error::Encode(format!(
                "the path `{path}` must start with `/`, as in `/v1/customers`"
            )));
        }
        let encoded = self.encode(Some(params))?;
        let (meta, body) = self.execute(method, path, encoded).await?;
        decode(meta.status, meta.request_id, &body)
    }

    /// Form-encodes parameters and appends the options' `expand` entries after the parameters'
    /// own, then the options' extra parameters.
    pub(crate) fn encode<P: Serialize + ?Sized>(
        &self,
        params: Option<&P>,
    ) -> Result<String, Error> {
        let mut encoded = match params {
            Some(params) => encode_form(params)?,
            None => String::new(),
        };
        if !self.options.expand.is_empty() {
            let taken = encoded
                .split('&')
                .filter(|pair| pair.starts_with("expand["))
                .count();
            for (index, field) in self.options.expand.iter().enumerate() {
                push_pair(&mut encoded, &format!("expand[{}]", taken + index), field);
            }
        }
        for (key, value) in &self.options.extra_params {
            push_pair(&mut encoded, key, value);
        }
        Ok(encoded)
    }

    /// The non-generic part of `send`, compiled once for all calls: sends the request, retrying
    /// as Stripe's SDKs do. A POST (or PATCH) carries one `Idempotency-Key` across all its
    /// attempts, so a retry can never apply the request twice.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        encoded: String,
    ) -> Result<(ResponseMeta, Vec<u8>), Error> {
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

/// Form-encodes parameters exactly as the client sends them, and as Stripe's SDKs do: nested
/// objects as `a[b][c]=v`, arrays always indexed (`expand[0]=x`), booleans as `true`/`false`,
/// brackets left unescaped, and everything else escaped as stripe-python escapes it (`+` for a
/// space, `%XX` for any byte but letters, digits and `_.-~`).
///
/// An absent value (`None`), an empty list and an empty map send nothing at all, so they can
/// never change what Stripe has stored; only `Emptyable::Empty` sends `key=`, which clears a
/// value. (An empty `metadata` map sent as `metadata=` would delete every metadata key.)
pub fn encode_form<P: Serialize + ?Sized>(params: &P) -> Result<String, Error> {
    let mut form = Form::default();
    params
        .serialize(&mut form)
        .map_err(|FormError(message)| Error::Encode(message))?;
    Ok(form.out)
}

/// The form being written, and the key of the value being serialized (`a[b][0]`).
#[derive(Default)]
struct Form {
    out: String,
    key: String,
}

impl Form {
    /// Appends `key=value` for the current key.
    fn pair(&mut self, value: &str) -> Result<(), FormError> {
        if self.key.is_empty() {
            return Err(FormError(
                "parameters must be a struct or a map, not a single value".to_owned(),
            ));
        }
        push_pair(&mut self.out, &self.key, value);
        Ok(())
    }

    /// Serializes `value` under the current key's child `segment` (`key[segment]`, or
    /// `segment` at the top level).
    fn nested<T: Serialize + ?Sized>(&mut self, segment: &str, value: &T) -> Result<(), FormError> {
        let len = self.key.len();
        if len == 0 {
            self.key.push_str(segment);
        } else {
            self.key.push('[');
            self.key.push_str(segment);
            self.key.push(']');
        }
        let result = value.serialize(&mut *self);
        self.key.truncate(len);
        result
    }
}

/// Appends `key=value` to a form, escaped as stripe-python escapes it.
pub(crate) fn push_pair(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    push_escaped(out, key);
    out.push('=');
    push_escaped(out, value);
}

/// Python's `urlencode` (`quote_plus`), with `[` and `]` left as they are (stripe-python turns
/// `%5B` and `%5D` back into brackets).
fn push_escaped(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' | b'[' | b']' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
}

/// Why parameters could not be form-encoded.
#[derive(Debug)]
struct FormError(String);

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

impl serde::ser::Error for FormError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// A list or map being written: its items' keys are the list index or the map key.
struct Compound<'a> {
    form: &'a mut Form,
    /// The next list index, or the key of the map entry whose value comes next.
    index: usize,
    map_key: Option<String>,
    /// Set for a struct variant: the variant's key segment, removed again at the end.
    restore: Option<usize>,
}

impl<'a> Compound<'a> {
    fn new(form: &'a mut Form) -> Self {
        Self {
            form,
            index: 0,
            map_key: None,
            restore: None,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let index = self.index;
        self.index += 1;
        if self.form.key.is_empty() {
            return Err(FormError(
                "parameters must be a struct or a map, not a list".to_owned(),
            ));
        }
        self.form.nested(&index.to_string(), value)
    }

    fn end(self) -> Result<(), FormError> {
        if let Some(len) = self.restore {
            self.form.key.truncate(len);
        }
        Ok(())
    }
}

impl<'a> Serializer for &'a mut Form {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, value: bool) -> Result<(), FormError> {
        self.pair(if value { "true" } else { "false" })
    }
    fn serialize_i8(self, value: i8) -> Result<(), FormError> {
        self.serialize_i64(value.into())
    }
    fn serialize_i16(self, value: i16) -> Result<(), FormError> {
        self.serialize_i64(value.into())
    }
    fn serialize_i32(self, value: i32) -> Result<(), FormError> {
        self.serialize_i64(value.into())
    }
    fn serialize_i64(self, value: i64) -> Result<(), FormError> {
        self.pair(&value.to_string())
    }
    fn serialize_i128(self, value: i128) -> Result<(), FormError> {
        self.pair(&value.to_string())
    }
    fn serialize_u8(self, value: u8) -> Result<(), FormError> {
        self.serialize_u64(value.into())
    }
    fn serialize_u16(self, value: u16) -> Result<(), FormError> {
        self.serialize_u64(value.into())
    }
    fn serialize_u32(self, value: u32) -> Result<(), FormError> {
        self.serialize_u64(value.into())
    }
    fn serialize_u64(self, value: u64) -> Result<(), FormError> {
        self.pair(&value.to_string())
    }
    fn serialize_u128(self, value: u128) -> Result<(), FormError> {
        self.pair(&value.to_string())
    }
    fn serialize_f32(self, value: f32) -> Result<(), FormError> {
        self.serialize_f64(value.into())
    }
    fn serialize_f64(self, value: f64) -> Result<(), FormError> {
        self.pair(&value.to_string())
    }
    fn serialize_char(self, value: char) -> Result<(), FormError> {
        self.pair(value.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, value: &str) -> Result<(), FormError> {
        self.pair(value)
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<(), FormError> {
        self.pair(&String::from_utf8_lossy(value))
    }
    /// An absent value sends nothing.
    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), FormError> {
        self.pair(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        self.nested(variant, value)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, FormError> {
        self.serialize_struct_variant(name, index, variant, len)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, FormError> {
        Ok(Compound::new(self))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, FormError> {
        let len = self.key.len();
        if len == 0 {
            self.key.push_str(variant);
        } else {
            self.key.push('[');
            self.key.push_str(variant);
            self.key.push(']');
        }
        let mut compound = Compound::new(self);
        compound.restore = Some(len);
        Ok(compound)
    }
}

/// The sequence-like serializers all add one element at the next index.
macro_rules! sequence_serializer {
    ($($trait:ident :: $method:ident),* $(,)?) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = FormError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
                self.element(value)
            }
            fn end(self) -> Result<(), FormError> {
                Compound::end(self)
            }
        }
    )*};
}

sequence_serializer!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        self.map_key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let key = self
            .map_key
            .take()
            .ok_or_else(|| FormError("a map value without a key".to_owned()))?;
        self.form.nested(&key, value)
    }
    fn end(self) -> Result<(), FormError> {
        Compound::end(self)
    }
}

/// The struct-like serializers all add one field under its name.
macro_rules! struct_serializer {
    ($($trait:ident),* $(,)?) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = FormError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), FormError> {
                self.form.nested(name, value)
            }
            fn end(self) -> Result<(), FormError> {
                Compound::end(self)
            }
        }
    )*};
}

struct_serializer!(SerializeStruct, SerializeStructVariant);

/// Turns a map key into its text: strings, numbers, booleans and string enums.
struct MapKey;

impl Serializer for MapKey {
    type Ok = String;
    type Error = FormError;
    type SerializeSeq = ser::Impossible<String, FormError>;
    type SerializeTuple = ser::Impossible<String, FormError>;
    type SerializeTupleStruct = ser::Impossible<String, FormError>;
    type SerializeTupleVariant = ser::Impossible<String, FormError>;
    type SerializeMap = ser::Impossible<String, FormError>;
    type SerializeStruct = ser::Impossible<String, FormError>;
    type SerializeStructVariant = ser::Impossible<String, FormError>;

    fn serialize_bool(self, value: bool) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i8(self, value: i8) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i16(self, value: i16) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i32(self, value: i32) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_i64(self, value: i64) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u8(self, value: u8) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u16(self, value: u16) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u32(self, value: u32) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_u64(self, value: u64) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_f32(self, value: f32) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_f64(self, value: f64) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_char(self, value: char) -> Result<String, FormError> {
        Ok(value.to_string())
    }
    fn serialize_str(self, value: &str) -> Result<String, FormError> {
        Ok(value.to_owned())
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<String, FormError> {
        Ok(String::from_utf8_lossy(value).into_owned())
    }
    fn serialize_none(self) -> Result<String, FormError> {
        Err(map_key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, FormError> {
        Err(map_key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, FormError> {
        Err(map_key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, FormError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, FormError> {
        Err(map_key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(map_key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(map_key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(map_key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(map_key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(map_key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Err(map_key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(map_key_error())
    }
}

fn map_key_error() -> FormError {
    FormError("a map key must be a string, a number or a boolean".to_owned())
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
struct Received {
    meta: ResponseMeta,
    body: Vec<u8>,
    should_retry: Option<bool>,
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

fn connection_error(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout
    } else {
        Error::Connection(error)
    }
}

/// Stripe's retry rules: its `Stripe-Should-Retry` header decides when present; otherwise
/// connection failures and timeouts, 409 (a conflicting concurrent request) and 5xx are retried.
fn should_retry(outcome: &Result<Received, Error>) -> bool {
    match outcome {
        Err(Error::Connection(_) | Error::Timeout) => true,
        Err(_) => false,
        Ok(Received {
            should_retry: Some(advice),
            ..
        }) => *advice,
        Ok(received) => received.meta.status == 409 || received.meta.status >= 500,
    }
}

/// What Stripe answered a successful request with besides the body: the HTTP status, the
/// `Request-Id` (quote it to Stripe support) and every header. Get it with
/// [`ResponseExt::with_response`]; stripe-python calls it `last_response`, stripe-node
/// `lastResponse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    pub status: u16,
    pub request_id: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl ResponseMeta {
    /// A header's value, when it is present and readable as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

thread_local! {
    /// While a [`WithResponse`] polls its call: where the call's response is recorded.
    static RECORDING: std::cell::RefCell<Option<Option<ResponseMeta>>> =
        const { std::cell::RefCell::new(None) };
}

/// Hands a successful response's metadata to the [`WithResponse`] polling this request, if any.
fn record(meta: &ResponseMeta) {
    RECORDING.with(|slot| {
        if let Some(recorded) = slot.borrow_mut().as_mut() {
            *recorded = Some(meta.clone());
        }
    });
}

/// Adds [`with_response`](ResponseExt::with_response) to every call, so the plain call keeps
/// returning just the object:
///
/// ```ignore
/// use stripe_api::ResponseExt;
///
/// let (session, meta) = VerificationSession::create(&client, &params).with_response().await?;
/// println!("{} {} {:?}", session.id, meta.status, meta.request_id);
/// ```
pub trait ResponseExt<T>: std::future::Future<Output = Result<T, Error>> + Sized {
    /// The call's result together with the [`ResponseMeta`] of the response it was parsed from
    /// (the last attempt's, when the call was retried). Errors carry their status and
    /// `Request-Id` themselves ([`ApiError`](super::ApiError)).
    fn with_response(self) -> WithResponse<Self> {
        WithResponse {
            call: Box::pin(self),
            recorded: None,
        }
    }
}

impl<T, F: std::future::Future<Output = Result<T, Error>>> ResponseExt<T> for F {}

/// The future [`ResponseExt::with_response`] returns.
///
/// Each time it is polled it polls its call with a recording slot in place (thread-local, for
/// the duration of that poll only), into which the client writes the response's metadata. A
/// future that completes without making a request (none of this crate's calls do) yields a
/// `ResponseMeta` with status 0 and no headers.
pub struct WithResponse<F> {
    call: std::pin::Pin<Box<F>>,
    recorded: Option<ResponseMeta>,
}

impl<T, F: std::future::Future<Output = Result<T, Error>>> std::future::Future for WithResponse<F> {
    type Output = Result<(T, ResponseMeta), Error>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = &mut *self;
        let outer = RECORDING.with(|slot| slot.replace(Some(this.recorded.take())));
        let poll = this.call.as_mut().poll(cx);
        this.recorded = RECORDING.with(|slot| slot.replace(outer)).flatten();
        poll.map(|result| result.map(|value| (value, this.recorded.take().unwrap_or_default())))
    }
}

impl<F> fmt::Debug for WithResponse<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithResponse").finish_non_exhaustive()
    }
}

/// `min(0.5 s * 2^(n-1), 5 s)`, scaled by a random 50-100 % so clients that failed together
/// don't retry together.
fn retry_delay(retry: u32) -> Duration {
    let exponential = INITIAL_RETRY_DELAY.saturating_mul(1 << retry.saturating_sub(1).min(16));
    exponential
        .min(MAX_RETRY_DELAY)
        .mul_f64(0.5 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Params {
        list: Vec<String>,
        map: BTreeMap<String, String>,
        nested: Option<Nested>,
        absent: Option<String>,
        text: String,
        flag: bool,
    }

    #[derive(Serialize)]
    struct Nested {
        items: Vec<BTreeMap<String, i64>>,
        cleared: super::super::Emptyable<Vec<String>>,
        empty_set: super::super::Emptyable<BTreeMap<String, String>>,
    }

    #[test]
    fn empty_lists_and_maps_send_nothing_and_emptyable_empty_sends_key_equals() {
        let params = Params {
            list: vec![],
            map: BTreeMap::new(),
            nested: Some(Nested {
                items: vec![BTreeMap::new(), BTreeMap::from([("n".to_owned(), -1)])],
                cleared: super::super::Emptyable::Empty,
                empty_set: super::super::Emptyable::Set(BTreeMap::new()),
            }),
            absent: None,
            text: String::new(),
            flag: false,
        };
        assert_eq!(
            encode_form(&params).unwrap(),
            "nested[items][1][n]=-1&nested[cleared]=&text=&flag=false"
        );
    }

    #[test]
    fn escapes_like_stripe_python_keeping_brackets() {
        let params = BTreeMap::from([("a[b] c".to_owned(), "x&y=z+%#?/* é😀\0\n".to_owned())]);
        assert_eq!(
            encode_form(&params).unwrap(),
            "a[b]+c=x%26y%3Dz%2B%25%23%3F%2F%2A+%C3%A9%F0%9F%98%80%00%0A"
        );
    }

    #[test]
    fn only_structs_and_maps_can_be_parameters() {
        assert!(encode_form(&5).is_err());
        assert!(encode_form(&vec![1]).is_err());
        assert_eq!(encode_form(&()).unwrap(), "");
        assert_eq!(encode_form(&None::<Params>).unwrap(), "");
    }

    #[test]
    fn retry_delay_doubles_up_to_five_seconds_with_jitter() {
        for (retry, full) in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (30, 5.0)] {
            let delay = retry_delay(retry).as_secs_f64();
            assert!(
                delay >= full * 0.5 && delay <= full,
                "retry {retry}: {delay}"
            );
        }
    }
}
