//! The hand-written runtime of the generated crate: the HTTP client, errors and the types that
//! encode Stripe's conventions. stripegen copies this directory verbatim from `templates/runtime/`.

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod error;
mod form;
mod idempotency;
mod impls;
mod json;
mod options;
mod pagination;
mod reader;
mod response;
mod retry;
mod types;
#[cfg(feature = "webhooks")]
pub mod webhook;

#[doc(hidden)]
pub use client::PathSegment;
pub use client::{AppInfo, Client, ClientBuilder, Method};
pub use error::{ApiError, Error};
pub use form::encode_form;
#[doc(hidden)]
pub use json::{deserialize_wire, from_buffered, required, union_error, BufferedFailure, Fields};
pub use options::RequestOptions;
pub use pagination::ListStream;
pub use response::{ResponseExt, ResponseMeta, WithResponse};
pub use types::{
    Decimal, Emptyable, Expandable, HasId, List, Object, RangeBounds, RangeQuery, Timestamp,
};
