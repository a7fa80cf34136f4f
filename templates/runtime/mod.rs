//! The hand-written runtime of the generated crate: the HTTP client, errors and the types that
//! encode Stripe's conventions. stripegen copies this directory verbatim from `templates/runtime/`.

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod error;
mod idempotency;
mod impls;
mod json;
mod pagination;
mod reader;
mod types;
#[cfg(feature = "webhooks")]
pub mod webhook;

#[doc(hidden)]
pub use client::PathSegment;
pub use client::{
    encode_form, AppInfo, Client, ClientBuilder, Method, RequestOptions, ResponseExt, ResponseMeta,
    WithResponse,
};
pub use error::{ApiError, Error};
#[doc(hidden)]
pub use json::{deserialize_wire, from_buffered, required, Fields};
pub use pagination::ListStream;
pub use types::{
    Decimal, Emptyable, Expandable, HasId, List, Object, RangeBounds, RangeQuery, Timestamp,
};
