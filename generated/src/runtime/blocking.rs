//! Every call for programs without an async runtime (feature `blocking`).
//!
//! A call of this crate is a function that takes `&Client` and returns a future, so one
//! [`Client::call`] runs any of them: the blocking client owns a single-threaded Tokio runtime and
//! runs the call's future on it to completion. [`Client::list_all`] does the same for the
//! `list_all` streams, one page at a time.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use stripe_api::blocking::Client;
//! use stripe_api::RequestOptions;
//!
//! let client = Client::new("sk_test_...");
//! let page = client.call(|c| {
//!     stripe_api::webhook_endpoints::WebhookEndpoint::list(c, &Default::default())
//! })?;
//! println!("{} endpoints on the first page", page.data.len());
//! let connected = client.with_options(RequestOptions::new().stripe_account("acct_1"));
//! for endpoint in connected.list_all(|c| {
//!     stripe_api::webhook_endpoints::WebhookEndpoint::list_all(c, &Default::default())
//! }) {
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
use std::sync::Arc;

use super::client::{Client as AsyncClient, RequestOptions};
use super::error::Error;
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

    /// The async client the calls go through.
    pub fn as_async(&self) -> &AsyncClient {
        &self.client
    }

    /// A handle whose calls use `options` (see [`AsyncClient::with_options`]); it shares this
    /// client's runtime and connections.
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self {
            client: self.client.with_options(options),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Makes one call and waits for its result: `call` receives the async client to pass to any
    /// of the crate's calls, as in `client.call(|c| Order::retrieve(c, &id, &params))`.
    pub fn call<'c, F, Fut>(&'c self, call: F) -> Fut::Output
    where
        F: FnOnce(&'c AsyncClient) -> Fut,
        Fut: Future,
    {
        self.runtime.block_on(call(&self.client))
    }

    /// Iterates over every item of a list, fetching pages as the iteration needs them: `list`
    /// starts a `list_all` stream, as in `client.list_all(|c| Order::list_all(c, &params))`.
    pub fn list_all<T, F>(&self, list: F) -> ListIter<T>
    where
        F: FnOnce(&AsyncClient) -> ListStream<T>,
    {
        ListIter {
            stream: list(&self.client),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// Every item of a list, across pages (from [`Client::list_all`]). An error ends the iteration.
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
