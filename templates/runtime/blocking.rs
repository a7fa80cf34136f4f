//! Every call for programs without an async runtime (feature `blocking`).
//!
//! A call of this crate is a function that takes `&Client` and returns a future. A
//! [`blocking::Client`](Client) is an async client (it dereferences to one, so it can be passed to
//! any call) with its own single-threaded Tokio runtime: [`Client::call`] runs a call's future on
//! it to completion, and [`Client::iter`] turns a `list_all` stream into an iterator that fetches
//! pages as it goes. Every call is available, none is generated twice.
//!
//! ```no_run
//! # fn main() -> Result<(), stripe_api::Error> {
//! use stripe_api::blocking::Client;
//! use stripe_api::webhook_endpoints::WebhookEndpoint;
//! use stripe_api::RequestOptions;
//!
//! let client = Client::new("sk_test_...");
//! let page = client.call(WebhookEndpoint::list(&client, &Default::default()))?;
//! println!("{} endpoints on the first page", page.data.len());
//!
//! let connected = client.with_options(RequestOptions::new().stripe_account("acct_1"));
//! for endpoint in connected.iter(WebhookEndpoint::list_all(&connected, &Default::default())) {
//!     println!("{}", endpoint?.url);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Use it outside async code only: Tokio panics when a runtime is driven from inside another one.
//! Clones share the runtime and the connection pool; calls from several threads are fine.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use super::client::Client as AsyncClient;
use super::error::Error;
use super::options::RequestOptions;
use super::pagination::ListStream;

/// A client whose calls block the current thread until they are done.
#[derive(Clone)]
pub struct Client {
    client: AsyncClient,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with default settings (see [`AsyncClient::new`]).
    ///
    /// # Panics
    /// When the TLS backend or the runtime cannot be initialised; build the async client with
    /// [`AsyncClient::builder`] and pass it to [`Client::from_async`] to handle that.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self::from_async(AsyncClient::new(secret_key))
            .expect("the Tokio runtime could not be initialised")
    }

    /// Runs the calls of an async client, with its settings, from blocking code: fails only when
    /// the runtime cannot be created.
    pub fn from_async(client: AsyncClient) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            client,
            runtime: Arc::new(runtime),
        })
    }

    /// A handle whose calls use `options` (see [`AsyncClient::with_options`]); it shares this
    /// client's runtime and connections.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self {
            client: self.client.with_options(options),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Runs a call to completion and returns its result, as in
    /// `client.call(Order::retrieve(&client, &id, &params))`. Any future works, as long as it
    /// needs nothing but Tokio.
    pub fn call<F: Future>(&self, call: F) -> F::Output {
        self.runtime.block_on(call)
    }

    /// Iterates over a `list_all` stream, fetching each page when the iteration reaches it, as in
    /// `client.iter(Order::list_all(&client, &params))`.
    pub fn iter<T>(&self, list: ListStream<T>) -> ListIter<T> {
        ListIter {
            stream: list,
            runtime: Arc::clone(&self.runtime),
        }
    }
}

impl Deref for Client {
    type Target = AsyncClient;

    /// The async client: `&blocking_client` can be passed to every call.
    fn deref(&self) -> &AsyncClient {
        &self.client
    }
}

/// Every item of a list, across pages (from [`Client::iter`]). An error ends the iteration.
pub struct ListIter<T> {
    stream: ListStream<T>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl<T> Iterator for ListIter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = &mut self.stream;
        self.runtime
            .block_on(std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)))
    }
}

impl<T> fmt::Debug for ListIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListIter").finish_non_exhaustive()
    }
}
