//! The hand-written runtime of the generated crate: the HTTP client, errors and the types that
//! encode Stripe's conventions. stripegen copies this directory verbatim from `templates/runtime/`.

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod error;
mod field_hash;
mod form;
mod idempotency;
mod impls;
mod json;
mod options;
mod pagination;
mod peek;
mod reader;
mod response;
mod retry;
mod types;
#[cfg(feature = "webhooks")]
pub mod webhook;

pub use client::{AppInfo, Client, ClientBuilder, Method};
#[doc(hidden)]
pub use client::{Encoding, PathSegment, Route};
pub use error::{ApiError, Error};
pub use form::encode_form;
/// The `jiff` crate, whose `Timestamp` is [`DateTime`]: use it to make, compare and format
/// them without depending on a `jiff` version of your own.
pub use jiff;
/// A point in time of the v2 API (`format: date-time`), which Stripe writes in RFC 3339
/// (`2024-05-01T12:30:00.000Z`): `jiff`'s `Timestamp`, with nanosecond precision. It reads any
/// RFC 3339 offset and writes UTC (`2024-05-01T12:30:00Z`, fractional seconds when there are
/// some). v1 sends Unix seconds instead: [`Timestamp`].
pub use jiff::Timestamp as DateTime;
#[doc(hidden)]
pub use json::{
    deserialize_wire, from_buffered, parse as parse_body, required, union_error, BufferedFailure,
    Failure as ParseFailure, Fields,
};
pub use options::RequestOptions;
pub use pagination::ListStream;
#[doc(hidden)]
pub use peek::{
    deserialize_peeking, text_of, unrecognized, Member, Peek, Shape, PEEK_DELETED, PEEK_KIND,
    PEEK_OBJECT,
};
pub use response::{ResponseExt, ResponseMeta, WithResponse};
#[cfg(feature = "deserialize-params")]
#[doc(hidden)]
pub use types::deserialize_nullable;
pub use types::{
    Decimal, Deletable, DeletedOf, Emptyable, Expandable, FileUpload, HasId, List, Nullable,
    Object, RangeBounds, RangeQuery, SearchList, Timestamp, V2List,
};
