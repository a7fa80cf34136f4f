//! Response metadata: the status, `Request-Id` and headers of a successful response, and
//! [`ResponseExt::with_response`], which hands them to the caller next to the parsed object.

use std::fmt;

use super::error::Error;

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
pub(crate) fn record(meta: &ResponseMeta) {
    RECORDING.with(|slot| {
        if let Some(recorded) = slot.borrow_mut().as_mut() {
            *recorded = Some(meta.clone());
        }
    });
}

/// Adds [`with_response`](ResponseExt::with_response) to every call, so the plain call keeps
/// returning just the object:
///
/// ```no_run
/// # async fn example(client: &stripe_api::Client) -> Result<(), stripe_api::Error> {
/// use stripe_api::{Method, ResponseExt};
///
/// let (balance, meta) = client
///     .raw_request::<_, serde_json::Value>(Method::Get, "/v1/balance", &())
///     .with_response()
///     .await?;
/// println!("{} {:?}: {balance}", meta.status, meta.request_id);
/// # Ok(())
/// # }
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
