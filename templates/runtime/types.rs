//! Types for Stripe's conventions that generated code builds on.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::json::{required, Fields};
use super::peek::{deserialize_peeking, IsObject, Member, Peek, Shape, PEEK_DELETED, PEEK_KIND};

/// A point in time as Stripe sends it: whole seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(self) -> std::time::SystemTime {
        let offset = std::time::Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            std::time::UNIX_EPOCH + offset
        } else {
            std::time::UNIX_EPOCH - offset
        }
    }
}

impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Self(seconds)
    }
}

/// A decimal number Stripe sends as a string (`"12.3456789"`). Kept as text so no digit is lost;
/// parse it with the decimal crate of your choice.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Decimal(String);

impl Decimal {
    pub fn new(digits: impl Into<String>) -> Self {
        Self(digits.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Decimal {
    fn from(digits: &str) -> Self {
        Self(digits.to_owned())
    }
}

/// A Stripe resource: what an `Expandable` field can hold expanded.
pub trait Object {
    /// The resource's ID newtype.
    type Id;
}

/// A resource that always carries its ID (nearly all do).
pub trait HasId: Object {
    fn id(&self) -> &Self::Id;
}

/// The deleted form of a resource (`DeletedCustomer` of a `Customer`), as Stripe answers for a
/// resource that was deleted; `Id` is the resource's ID type.
pub trait DeletedOf<Id> {
    fn id(&self) -> &Id;
}

/// A resource, or the deleted form Stripe answers with once it is deleted: what a retrieve
/// answers with (`Customer::retrieve`), and what an expandable field of a resource that can be
/// deleted holds expanded (`Expandable<Deletable<Product, DeletedProduct>>`).
#[derive(Clone, Debug, PartialEq)]
pub enum Deletable<T, D> {
    Live(T),
    Deleted(D),
}

impl<T, D> Deletable<T, D> {
    /// The resource, unless it was deleted.
    pub fn as_live(&self) -> Option<&T> {
        match self {
            Self::Live(live) => Some(live),
            Self::Deleted(_) => None,
        }
    }

    /// The deleted form, when it was deleted.
    pub fn as_deleted(&self) -> Option<&D> {
        match self {
            Self::Deleted(deleted) => Some(deleted),
            Self::Live(_) => None,
        }
    }

    pub fn is_deleted(&self) -> bool {
        matches!(self, Self::Deleted(_))
    }
}

impl<T: Object, D> Object for Deletable<T, D> {
    type Id = T::Id;
}

impl<T: HasId, D: DeletedOf<T::Id>> HasId for Deletable<T, D> {
    fn id(&self) -> &T::Id {
        match self {
            Self::Live(live) => live.id(),
            Self::Deleted(deleted) => deleted.id(),
        }
    }
}

impl<T: Serialize, D: Serialize> Serialize for Deletable<T, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Live(live) => live.serialize(serializer),
            Self::Deleted(deleted) => deleted.serialize(serializer),
        }
    }
}

impl<T: DeserializeOwned, D: DeserializeOwned> Peek for Deletable<T, D> {
    /// Only `"deleted": true` tells the two apart, and it may come last: the runtime's reader
    /// finds it by skipping the members before it, then the object is read once, as the form
    /// it is.
    const PEEK: &'static str = PEEK_DELETED;

    #[inline]
    fn read<'de, De: Deserializer<'de>>(shape: Shape<'_>, content: De) -> Result<Self, De::Error> {
        match shape {
            Shape::Object(Member::Bool(true)) => D::deserialize(content).map(Self::Deleted),
            _ => T::deserialize(content).map(Self::Live),
        }
    }
}

impl<'de, T: DeserializeOwned, D: DeserializeOwned> Deserialize<'de> for Deletable<T, D> {
    #[inline]
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserialize_peeking(deserializer)
    }
}

/// A field that holds an object's ID, or the whole object when the request asked to `expand` it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T: Object> {
    Id(T::Id),
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    /// The ID, whichever form was received.
    pub fn id(&self) -> &T::Id {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id(),
        }
    }
}

impl<T: Object> Expandable<T> {
    /// The object, when it was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Self::Id(_) => None,
            Self::Object(object) => Some(object),
        }
    }
}

impl<T> Serialize for Expandable<T>
where
    T: Object + Serialize,
    T::Id: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Id(id) => id.serialize(serializer),
            Self::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T> Deserialize<'de> for Expandable<T>
where
    T: Object + DeserializeOwned,
    T::Id: From<String>,
{
    /// The runtime's reader shows the value's kind first, so an expanded object is read
    /// straight from the body as `T` (a `Deletable` peeks in turn); any other deserializer
    /// reads it as a string or a map.
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(PEEK_KIND, ExpandableVisitor(PhantomData))
    }
}

struct ExpandableVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for ExpandableVisitor<T>
where
    T: Object + DeserializeOwned,
    T::Id: From<String>,
{
    type Value = Expandable<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ID string or an expanded object")
    }

    /// From the runtime's reader: the kind, and the value still unread.
    #[inline]
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        struct Content<T>(PhantomData<T>, bool);

        impl<'de, T> DeserializeSeed<'de> for Content<T>
        where
            T: Object + DeserializeOwned,
            T::Id: From<String>,
        {
            type Value = Expandable<T>;

            #[inline]
            fn deserialize<D: Deserializer<'de>>(
                self,
                content: D,
            ) -> Result<Self::Value, D::Error> {
                if self.1 {
                    T::deserialize(content).map(|object| Expandable::Object(Box::new(object)))
                } else {
                    content.deserialize_any(ExpandableVisitor(PhantomData))
                }
            }
        }

        let (is_object, content) = data.variant_seed(IsObject)?;
        de::VariantAccess::newtype_variant_seed(content, Content(PhantomData, is_object))
    }

    /// From any other deserializer.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
        Ok(Expandable::Id(T::Id::from(id.to_owned())))
    }

    fn visit_string<E: de::Error>(self, id: String) -> Result<Self::Value, E> {
        Ok(Expandable::Id(T::Id::from(id)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // Deserializing the object straight from the map keeps error paths precise.
        let object = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Expandable::Object(Box::new(object)))
    }
}

/// A request parameter that can be set, or sent as `""` to clear the value Stripe has stored.
#[derive(Clone, Debug, PartialEq)]
pub enum Emptyable<T> {
    /// Sends `param=` (an empty string): clears the value.
    Empty,
    Set(T),
}

impl<T> From<T> for Emptyable<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

// `Emptyable<T>` also converts from what `T` converts from, so `Some("x".into())` works for an
// `Option<Emptyable<String>>`. A blanket `impl<U: Into<T>> From<U>` would overlap with
// `From<T> for T`, so these are the unambiguous conversions of the types `Emptyable` wraps.

impl From<&str> for Emptyable<String> {
    fn from(value: &str) -> Self {
        Self::Set(value.to_owned())
    }
}

impl From<&String> for Emptyable<String> {
    fn from(value: &String) -> Self {
        Self::Set(value.clone())
    }
}

impl From<Box<str>> for Emptyable<String> {
    fn from(value: Box<str>) -> Self {
        Self::Set(value.into())
    }
}

impl From<std::borrow::Cow<'_, str>> for Emptyable<String> {
    fn from(value: std::borrow::Cow<'_, str>) -> Self {
        Self::Set(value.into_owned())
    }
}

impl From<char> for Emptyable<String> {
    fn from(value: char) -> Self {
        Self::Set(value.into())
    }
}

macro_rules! emptyable_from_integer {
    ($($narrow:ty),*) => {$(
        impl From<$narrow> for Emptyable<i64> {
            fn from(value: $narrow) -> Self {
                Self::Set(value.into())
            }
        }
    )*};
}

emptyable_from_integer!(i8, i16, i32, u8, u16, u32);

impl From<i64> for Emptyable<Timestamp> {
    fn from(seconds: i64) -> Self {
        Self::Set(Timestamp(seconds))
    }
}

impl From<&str> for Emptyable<Decimal> {
    fn from(digits: &str) -> Self {
        Self::Set(digits.into())
    }
}

impl<T: Clone> From<&[T]> for Emptyable<Vec<T>> {
    fn from(items: &[T]) -> Self {
        Self::Set(items.to_vec())
    }
}

/// `Some(["a", "b"].into())` for an `Option<Emptyable<Vec<String>>>`.
impl<T, U: Into<T>, const N: usize> From<[U; N]> for Emptyable<Vec<T>> {
    fn from(items: [U; N]) -> Self {
        Self::Set(items.into_iter().map(Into::into).collect())
    }
}

/// `Some([("order", "42")].into())` for an `Option<Emptyable<BTreeMap<String, String>>>`.
impl<K, V, K2, V2, const N: usize> From<[(K2, V2); N]>
    for Emptyable<std::collections::BTreeMap<K, V>>
where
    K: Ord,
    K2: Into<K>,
    V2: Into<V>,
{
    fn from(entries: [(K2, V2); N]) -> Self {
        Self::Set(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        )
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Emptyable<std::collections::BTreeMap<K, V>> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        Self::Set(entries.into_iter().collect())
    }
}

impl<T> FromIterator<T> for Emptyable<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Self::Set(items.into_iter().collect())
    }
}

impl<T: Serialize> Serialize for Emptyable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Empty => serializer.serialize_str(""),
            Self::Set(value) => value.serialize(serializer),
        }
    }
}

/// `""` reads as `Empty` (it is sent the same way), anything else as `Set`. Only with the
/// `deserialize-params` feature, which lets request parameters be read from JSON.
#[cfg(feature = "deserialize-params")]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Emptyable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_str() == Some("") {
            return Ok(Self::Empty);
        }
        T::deserialize(value)
            .map(Self::Set)
            .map_err(de::Error::custom)
    }
}

/// A field of a v2 request that Stripe lets you set to `null`, which clears the value it has
/// stored. Such a field is an `Option<Nullable<T>>`: `None` leaves it out of the request,
/// `Some(Nullable::Null)` sends `null`, and `Some(Nullable::Set(value))` (or
/// `Some(value.into())`) sends the value.
///
/// v2 requests are JSON, so `null` and "absent" are different things there, unlike in v1's forms
/// (which clear a value with an empty string: [`Emptyable`]). In a query string (v2 GET and
/// DELETE) `null` sends nothing, as stripe-python leaves out `None`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Sends `null`: clears the value.
    Null,
    Set(T),
}

impl<T> Nullable<T> {
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, unless this is `Null`.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Null => None,
            Self::Set(value) => Some(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

/// `Some("x".into())` for an `Option<Nullable<String>>`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Set(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Set(value) => value.serialize(serializer),
        }
    }
}

/// `null` reads as `Null`, anything else as `Set`. Only with the `deserialize-params` feature.
#[cfg(feature = "deserialize-params")]
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Self::Null, Self::Set))
    }
}

/// Reads an `Option<Nullable<T>>` field so that a present `null` is `Some(Nullable::Null)`
/// (serde reads `null` as `None` for any `Option`): for `#[serde(default, deserialize_with =
/// "...")]` on such fields of request types, with the `deserialize-params` feature.
#[cfg(feature = "deserialize-params")]
#[doc(hidden)]
pub fn deserialize_nullable<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}

/// The members of an envelope, with their table for `Fields` (as the generator builds them for
/// generated structs; a test checks every name is found).
type FieldTable = (&'static [&'static str], &'static [u16], u64);

const LIST: FieldTable = (
    &["data", "has_more", "url"],
    &[0, 1, 3, 2, 0, 0, 0, 0],
    691831230387106525,
);
const SEARCH_LIST: FieldTable = (
    &["data", "has_more", "next_page", "total_count", "url"],
    &[0, 0, 0, 0, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 1, 2],
    7896453708697931523,
);
const V2_LIST: FieldTable = (
    &["data", "next_page_url", "previous_page_url"],
    &[1, 2, 0, 0, 0, 3, 0, 0],
    9297588916226421123,
);

/// One page of a list call.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The path this list was fetched from.
    pub url: String,
}

/// Reads a page like a generated response struct. The items go into a vector that has room for
/// a full page from the start (Stripe's `limit` is at most 100; the room is capped at 120 KiB):
/// growing it one doubling at a time would copy every item read so far, and items are big.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                let (mut data, mut has_more, mut url) = (None, None, None);
                let mut fields = Fields::new(LIST.0, LIST.1, LIST.2);
                while let Some(field) = fields.next_field(&mut map)? {
                    match field {
                        0 => data = Some(map.next_value_seed(Items(PhantomData))?),
                        1 => has_more = Some(map.next_value()?),
                        _ => url = Some(map.next_value()?),
                    }
                }
                Ok(List {
                    data: required(data, "data")?,
                    has_more: required(has_more, "has_more")?,
                    url: required(url, "url")?,
                })
            }
        }

        deserializer.deserialize_map(ListVisitor(PhantomData))
    }
}

/// The most a `List` reserves for its items up front: under glibc's default threshold (128 KiB)
/// for serving an allocation with `mmap`, which costs system calls and page faults.
const PAGE_ROOM: usize = 120 * 1024;

/// The `data` of a `List` (and of a `V2List` and a `SearchList`).
struct Items<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let room = seq
            .size_hint()
            .unwrap_or((PAGE_ROOM / std::mem::size_of::<T>().max(1)).min(100));
        let mut items = Vec::with_capacity(room);
        while seq.next_element_seed(Item(&mut items))?.is_some() {}
        items.shrink_to_fit();
        Ok(items)
    }
}

/// Reads one item of a `List` straight into its vector: returned through `next_element` as an
/// `Option<T>`, a big item was copied once more on its way in.
struct Item<'a, T>(&'a mut Vec<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Item<'_, T> {
    type Value = ();

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.0.push(T::deserialize(deserializer)?);
        Ok(())
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut list = serializer.serialize_struct("List", 4)?;
        list.serialize_field("object", "list")?;
        list.serialize_field("data", &self.data)?;
        list.serialize_field("has_more", &self.has_more)?;
        list.serialize_field("url", &self.url)?;
        list.end()
    }
}

/// One page of a search call (`GET /v1/customers/search` and the like): Stripe's
/// `search_result` object. Search pages by token, not by object ID: `next_page` is sent back as
/// the `page` parameter (with the same `query`, `limit` and `expand`) to fetch the page after
/// this one. A `search_all` call follows them for you.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchList<T> {
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The token of the next page (its `page` parameter); `None` on the last page.
    pub next_page: Option<String>,
    /// How many objects match the query, across pages, when Stripe includes it (only when the
    /// request asked for it with `expand[]=total_count`).
    pub total_count: Option<u64>,
    /// The path this page was fetched from.
    pub url: String,
}

/// Reads a page as a `List` is read (its items straight into a vector with room for a page).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for SearchList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SearchListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SearchListVisitor<T> {
            type Value = SearchList<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a search result object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SearchList<T>, A::Error> {
                let (mut data, mut has_more, mut next_page, mut total_count, mut url) =
                    (None, None, None, None, None);
                let mut fields = Fields::new(SEARCH_LIST.0, SEARCH_LIST.1, SEARCH_LIST.2);
                while let Some(field) = fields.next_field(&mut map)? {
                    match field {
                        0 => data = Some(map.next_value_seed(Items(PhantomData))?),
                        1 => has_more = Some(map.next_value()?),
                        2 => next_page = map.next_value()?,
                        3 => total_count = map.next_value()?,
                        _ => url = Some(map.next_value()?),
                    }
                }
                Ok(SearchList {
                    data: required(data, "data")?,
                    has_more: required(has_more, "has_more")?,
                    next_page,
                    total_count,
                    url: required(url, "url")?,
                })
            }
        }

        deserializer.deserialize_map(SearchListVisitor(PhantomData))
    }
}

/// Writes the page as Stripe sends it: `"object": "search_result"`, `next_page` as `null` on the
/// last page, and `total_count` only when there is one.
impl<T: Serialize> Serialize for SearchList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 5 + usize::from(self.total_count.is_some());
        let mut list = serializer.serialize_struct("SearchList", len)?;
        list.serialize_field("object", "search_result")?;
        list.serialize_field("data", &self.data)?;
        list.serialize_field("has_more", &self.has_more)?;
        list.serialize_field("next_page", &self.next_page)?;
        match &self.total_count {
            Some(total_count) => list.serialize_field("total_count", total_count)?,
            None => list.skip_field("total_count")?,
        }
        list.serialize_field("url", &self.url)?;
        list.end()
    }
}

/// One page of a v2 list call. v2 lists page with URLs instead of object IDs: `next_page_url`
/// (a path and query such as `/v2/core/events?page=...`) fetches the next page and is `None` on
/// the last one. A `list_all` call follows them for you.
#[derive(Clone, Debug, PartialEq)]
pub struct V2List<T> {
    pub data: Vec<T>,
    pub next_page_url: Option<String>,
    pub previous_page_url: Option<String>,
}

/// Reads a page as a `List` is read (its items straight into a vector with room for a page).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for V2List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V2ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for V2ListVisitor<T> {
            type Value = V2List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a v2 list object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V2List<T>, A::Error> {
                let (mut data, mut next, mut previous) = (None, None, None);
                let mut fields = Fields::new(V2_LIST.0, V2_LIST.1, V2_LIST.2);
                while let Some(field) = fields.next_field(&mut map)? {
                    match field {
                        0 => data = Some(map.next_value_seed(Items(PhantomData))?),
                        1 => next = map.next_value()?,
                        _ => previous = map.next_value()?,
                    }
                }
                Ok(V2List {
                    data: required(data, "data")?,
                    next_page_url: next,
                    previous_page_url: previous,
                })
            }
        }

        deserializer.deserialize_map(V2ListVisitor(PhantomData))
    }
}

impl<T: Serialize> Serialize for V2List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut list = serializer.serialize_struct("V2List", 3)?;
        list.serialize_field("data", &self.data)?;
        list.serialize_field("next_page_url", &self.next_page_url)?;
        list.serialize_field("previous_page_url", &self.previous_page_url)?;
        list.end()
    }
}

/// A filter on an integer field such as `created`: one exact value, or a range.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "deserialize-params", derive(Deserialize))]
#[serde(untagged)]
pub enum RangeQuery {
    Exact(i64),
    Range(RangeBounds),
}

impl RangeQuery {
    /// Values greater than or equal to `from` and less than `until`.
    pub fn between(from: i64, until: i64) -> Self {
        Self::Range(RangeBounds {
            gte: Some(from),
            lt: Some(until),
            ..RangeBounds::default()
        })
    }
}

impl From<i64> for RangeQuery {
    fn from(exact: i64) -> Self {
        Self::Exact(exact)
    }
}

impl From<RangeBounds> for RangeQuery {
    fn from(bounds: RangeBounds) -> Self {
        Self::Range(bounds)
    }
}

/// Bounds of a `RangeQuery`; unset bounds are not sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "deserialize-params", derive(Deserialize))]
pub struct RangeBounds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
}

/// A file to upload: a `format: binary` parameter, such as the `file` of `POST /v1/files`. It
/// goes out as one part of a `multipart/form-data` body, with `file_name` and `content_type` in
/// the part's headers and `data` as its content.
///
/// stripe-python writes `application/octet-stream` as the content type of every file it sends
/// (Stripe finds a file's type in its content); pass that when you have nothing better.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "deserialize-params", derive(Deserialize))]
pub struct FileUpload {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl FileUpload {
    pub fn new(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: content_type.into(),
            data: data.into(),
        }
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("data", &format_args!("[{} bytes]", self.data.len()))
            .finish()
    }
}

/// The struct name a `FileUpload` serializes under, which the form encoder recognises to take
/// the file aside for a multipart body. No Rust type can have this name, so no other struct is
/// mistaken for a file.
pub(crate) const FILE_UPLOAD: &str = "$stripe_api::FileUpload";

/// A struct of three fields (`file_name`, `content_type`, `data` as bytes) under a name of its
/// own, which the form encoder recognises: JSON gets an object (the bytes as an array of numbers, which the
/// `deserialize-params` feature reads back), a multipart body gets a file part.
impl Serialize for FileUpload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Bytes<'a>(&'a [u8]);

        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }

        let mut file = serializer.serialize_struct(FILE_UPLOAD, 3)?;
        file.serialize_field("file_name", &self.file_name)?;
        file.serialize_field("content_type", &self.content_type)?;
        file.serialize_field("data", &Bytes(&self.data))?;
        file.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_tables_find_every_member() {
        for (names, slots, seed) in [LIST, SEARCH_LIST, V2_LIST] {
            let fields = Fields::new(names, slots, seed);
            for (position, name) in names.iter().enumerate() {
                assert_eq!(fields.lookup(name.as_bytes()), position, "{name}");
            }
            assert_eq!(fields.lookup(b"object"), usize::MAX);
        }
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct ThingId(String);

    impl From<String> for ThingId {
        fn from(id: String) -> Self {
            Self(id)
        }
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: ThingId,
        name: String,
    }

    impl Object for Thing {
        type Id = ThingId;
    }

    impl HasId for Thing {
        fn id(&self) -> &ThingId {
            &self.id
        }
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct DeletedThing {
        id: ThingId,
        deleted: bool,
    }

    impl DeletedOf<ThingId> for DeletedThing {
        fn id(&self) -> &ThingId {
            &self.id
        }
    }

    #[test]
    fn an_expandable_that_can_be_deleted_reads_each_form() {
        type Field = Expandable<Deletable<Thing, DeletedThing>>;
        // The runtime's reader (which peeks) and serde_json (which buffers) read alike.
        let read = |text: &str| -> Field {
            let by_reader = super::super::reader::from_str::<Field>(text).unwrap();
            assert_eq!(
                by_reader,
                serde_json::from_str::<Field>(text).unwrap(),
                "{text}"
            );
            by_reader
        };
        let id = read(r#""th_1""#);
        assert_eq!(id, Expandable::Id(ThingId("th_1".into())));
        let live = read(r#"{"id":"th_2","name":"a","deleted":false}"#);
        let name = live
            .as_object()
            .and_then(Deletable::as_live)
            .map(|t| t.name.as_str());
        assert_eq!(name, Some("a"));
        // `deleted` last: the form is only known at the end of the object.
        let deleted = read(r#"{"id":"th_3","meta":{"deleted":false},"deleted":true}"#);
        assert!(deleted.as_object().is_some_and(Deletable::is_deleted));
        for (field, id) in [(&id, "th_1"), (&live, "th_2"), (&deleted, "th_3")] {
            assert_eq!(field.id().0, id);
            let written = serde_json::to_string(field).unwrap();
            assert_eq!(&serde_json::from_str::<Field>(&written).unwrap(), field);
        }
        // An object that is neither form is an error naming what is missing.
        let err = serde_json::from_str::<Field>(r#"{"id":"th_4"}"#).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
        let err = super::super::reader::from_str::<Field>(r#"{"id":"th_4"}"#).unwrap_err();
        assert_eq!(err.message(), "missing field `name`");
        // Neither an ID nor an object.
        let err = super::super::reader::from_str::<Field>("7").unwrap_err();
        assert!(
            err.message().contains("an ID string or an expanded object"),
            "{err}"
        );
    }

    #[derive(Serialize)]
    struct Update {
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<Nullable<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<Nullable<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<Nullable<i64>>,
    }

    #[test]
    fn nullable_fields_are_absent_null_or_set() {
        let update = Update {
            description: Some(Nullable::Null),
            name: Some("Orders".into()),
            limit: None,
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"description":null,"name":"Orders"}"#
        );
        // A query string leaves `null` out, as stripe-python leaves out `None`.
        assert_eq!(super::super::encode_form(&update).unwrap(), "name=Orders");
        assert_eq!(Nullable::from(5), Nullable::Set(5));
        assert!(Nullable::<i64>::Null.is_null());
        assert_eq!(Nullable::Set(5).as_set(), Some(&5));
    }

    #[test]
    fn date_time_reads_what_stripe_sends_and_writes_rfc_3339() {
        let parsed: super::super::DateTime =
            serde_json::from_str(r#""2024-05-01T12:30:00.000Z""#).unwrap();
        assert_eq!(parsed.as_second(), 1_714_566_600);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#""2024-05-01T12:30:00Z""#
        );
        let precise: super::super::DateTime =
            serde_json::from_str(r#""2024-05-01T14:30:00.123456789+02:00""#).unwrap();
        assert_eq!(
            serde_json::to_string(&precise).unwrap(),
            r#""2024-05-01T12:30:00.123456789Z""#
        );
        let through_reader: super::super::DateTime =
            super::super::json::parse(br#""2024-05-01T12:30:00.000Z""#)
                .ok()
                .unwrap();
        assert_eq!(through_reader, parsed);
        assert!(serde_json::from_str::<super::super::DateTime>(r#""yesterday""#).is_err());
    }

    #[test]
    fn v2_list_reads_its_page_and_writes_it_back() {
        let body = br#"{"data":[{"id":"a"},{"id":"b"}],"next_page_url":"/v2/core/events?page=x","previous_page_url":null,"extra":1}"#;
        let page: V2List<serde_json::Value> = super::super::json::parse(body).ok().unwrap();
        assert_eq!(page.data.len(), 2);
        assert_eq!(
            page.next_page_url.as_deref(),
            Some("/v2/core/events?page=x")
        );
        assert_eq!(page.previous_page_url, None);
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::json!({
                "data": [{"id": "a"}, {"id": "b"}],
                "next_page_url": "/v2/core/events?page=x",
                "previous_page_url": null,
            })
        );
        let last: V2List<i64> = super::super::json::parse(br#"{"data":[]}"#).ok().unwrap();
        assert_eq!(last.next_page_url, None);
        assert!(super::super::json::parse::<V2List<i64>>(br#"{"next_page_url":null}"#).is_err());
    }

    #[test]
    fn file_upload_is_an_object_in_json() {
        let file = FileUpload::new("a.txt", "text/plain", b"hi".to_vec());
        assert_eq!(
            serde_json::to_value(&file).unwrap(),
            serde_json::json!({"file_name": "a.txt", "content_type": "text/plain", "data": [104, 105]})
        );
        assert_eq!(
            format!("{file:?}"),
            r#"FileUpload { file_name: "a.txt", content_type: "text/plain", data: [2 bytes] }"#
        );
    }
}
