//! Types for Stripe's conventions that generated code builds on.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::json::{required, Fields};

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
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpandableVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T> Visitor<'de> for ExpandableVisitor<T>
        where
            T: Object + DeserializeOwned,
            T::Id: From<String>,
        {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ID string or an expanded object")
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

        deserializer.deserialize_any(ExpandableVisitor(std::marker::PhantomData))
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
                let mut fields = Fields::new(&["data", "has_more", "url"]);
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

/// The `data` of a `List`.
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
