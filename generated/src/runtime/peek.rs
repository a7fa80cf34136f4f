//! Deciding what a value is before reading it: unions, `Expandable` and `Deletable`.
//!
//! A union of Stripe's types is told apart by the JSON kind of its value (an ID string or an
//! object) or by one member of the object (`object`, `deleted`). serde has no way to look ahead,
//! so such a type asks its deserializer for a newtype struct with one of the names below. The
//! runtime's reader (`reader.rs`) knows these names: it looks at the value without reading it
//! (for an object, it scans the top-level members for the one asked about and stops there) and
//! answers with `visit_enum`, whose variant is the [`Shape`] it saw and whose content is the
//! value itself, still unread. So the value is read once, by the alternative it is.
//!
//! Any other deserializer (`serde_json::from_str`, a `serde_json::Value`) treats the name as an
//! ordinary newtype struct and calls `visit_newtype_struct`: the value is then buffered, once,
//! and read again through the runtime's reader.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};

/// Asks for the JSON kind of the value.
pub const PEEK_KIND: &str = "\0stripe-api:peek";
/// Asks for the kind and, of an object, its top-level `object` member.
pub const PEEK_OBJECT: &str = "\0stripe-api:peek:object";
/// Asks for the kind and, of an object, its top-level `deleted` member.
pub const PEEK_DELETED: &str = "\0stripe-api:peek:deleted";
/// Asks for the text of the value, as it is in the body (`visit_borrowed_str`).
pub(crate) const RAW_TEXT: &str = "\0stripe-api:raw";

/// What a reader is asked for by the newtype struct name `name`: the member to peek at (empty
/// for the kind alone), or `None` for an ordinary newtype struct.
#[inline]
pub(crate) fn peeked_member(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PEEK_KIND)?;
    match rest.strip_prefix(':') {
        Some(member) => Some(member),
        None if rest.is_empty() => Some(""),
        None => None,
    }
}

/// What a value is, seen before it is read.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape<'a> {
    Null,
    Bool,
    Number,
    String,
    Array,
    /// An object, with what the member asked about holds.
    Object(Member<'a>),
}

impl<'a> Shape<'a> {
    /// The string the peeked member of an object holds (its `object`, for a union).
    #[inline]
    pub fn tag(&self) -> Option<&'a str> {
        match self {
            Shape::Object(Member::Str(tag)) => Some(tag),
            _ => None,
        }
    }
}

/// The peeked member of an object.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Member<'a> {
    /// Not there (or not asked about).
    Missing,
    Str(&'a str),
    Bool(bool),
    /// A number, `null`, an array or an object.
    Other,
}

/// A [`Shape`] carried from the reader to a visitor as the variant of `visit_enum`: serde
/// passes a variant only as a value of its data model, so the shape is written as one (see
/// `write_shape`) and read back here.
pub(crate) struct OwnedShape<'de> {
    kind: u8,
    member: OwnedMember<'de>,
}

enum OwnedMember<'de> {
    Missing,
    Str(Cow<'de, str>),
    Bool(bool),
    Other,
}

impl OwnedShape<'_> {
    fn shape(&self) -> Shape<'_> {
        match self.kind {
            0 => Shape::Null,
            1 => Shape::Bool,
            2 => Shape::Number,
            3 => Shape::String,
            4 => Shape::Array,
            _ => Shape::Object(match &self.member {
                OwnedMember::Missing => Member::Missing,
                OwnedMember::Str(text) => Member::Str(text),
                OwnedMember::Bool(flag) => Member::Bool(*flag),
                OwnedMember::Other => Member::Other,
            }),
        }
    }
}

const OBJECT: u8 = 5;
const OBJECT_MEMBER_MISSING: u64 = 5;
const OBJECT_MEMBER_OTHER: u64 = 6;

/// Hands `shape` to `visitor` as one value of serde's data model, for [`ShapeSeed`]: a kind as
/// its number, an object's member as a string or a bool.
fn write_shape<'de, V: Visitor<'de>, E: de::Error>(
    shape: Shape<'_>,
    borrowed: Option<&'de str>,
    visitor: V,
) -> Result<V::Value, E> {
    match shape {
        Shape::Null => visitor.visit_u64(0),
        Shape::Bool => visitor.visit_u64(1),
        Shape::Number => visitor.visit_u64(2),
        Shape::String => visitor.visit_u64(3),
        Shape::Array => visitor.visit_u64(4),
        Shape::Object(Member::Missing) => visitor.visit_u64(OBJECT_MEMBER_MISSING),
        Shape::Object(Member::Other) => visitor.visit_u64(OBJECT_MEMBER_OTHER),
        Shape::Object(Member::Bool(flag)) => visitor.visit_bool(flag),
        Shape::Object(Member::Str(text)) => match borrowed {
            Some(text) => visitor.visit_borrowed_str(text),
            None => visitor.visit_str(text),
        },
    }
}

/// A deserializer of one shape, for the variant of the reader's `visit_enum`.
pub(crate) struct ShapeWriter<'a, 'de, E> {
    pub shape: Shape<'a>,
    /// The member's text, when it is a slice of the body.
    pub borrowed: Option<&'de str>,
    pub error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for ShapeWriter<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        write_shape(self.shape, self.borrowed, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Reads the shape `write_shape` wrote.
struct ShapeSeed;

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = OwnedShape<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = OwnedShape<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the shape of a value")
    }

    fn visit_u64<E: de::Error>(self, kind: u64) -> Result<Self::Value, E> {
        let member = match kind {
            OBJECT_MEMBER_OTHER => OwnedMember::Other,
            _ => OwnedMember::Missing,
        };
        Ok(OwnedShape {
            kind: (kind as u8).min(OBJECT),
            member,
        })
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(object_with(OwnedMember::Bool(flag)))
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(object_with(OwnedMember::Str(Cow::Borrowed(text))))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(object_with(OwnedMember::Str(Cow::Owned(text.to_owned()))))
    }
}

/// Reads whether the shape `write_shape` wrote is an object's.
pub(crate) struct IsObject;

impl<'de> DeserializeSeed<'de> for IsObject {
    type Value = bool;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        ShapeSeed
            .deserialize(deserializer)
            .map(|shape| shape.kind == OBJECT)
    }
}

fn object_with(member: OwnedMember<'_>) -> OwnedShape<'_> {
    OwnedShape {
        kind: OBJECT,
        member,
    }
}

/// A type read by first looking at its value's [`Shape`] (generated unions, `Expandable`,
/// `Deletable`).
#[doc(hidden)]
pub trait Peek: Sized {
    /// What to ask the deserializer for: [`PEEK_KIND`], [`PEEK_OBJECT`] or [`PEEK_DELETED`].
    const PEEK: &'static str;

    /// Reads the value, whose shape is `shape`, from `content`.
    fn read<'de, D: Deserializer<'de>>(shape: Shape<'_>, content: D) -> Result<Self, D::Error>;
}

/// `Deserialize` of a [`Peek`] type.
#[inline]
pub fn deserialize_peeking<'de, T: Peek + DeserializeOwned, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_newtype_struct(T::PEEK, PeekVisitor(PhantomData))
}

struct PeekVisitor<T>(PhantomData<T>);

impl<'de, T: Peek + DeserializeOwned> Visitor<'de> for PeekVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    /// The runtime's reader: the variant is the shape, the content the unread value.
    #[inline]
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
        let (shape, content) = data.variant_seed(ShapeSeed)?;
        de::VariantAccess::newtype_variant_seed(
            content,
            ReadSeed {
                shape: &shape,
                read: PhantomData::<T>,
            },
        )
    }

    /// Any other deserializer: the value is buffered, written out once and read through the
    /// runtime's reader, which peeks.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        buffered(<serde_json::Value as de::Deserialize>::deserialize(
            deserializer,
        )?)
    }

    // A deserializer that reads a newtype struct as its content (a `MapAccessDeserializer`, a
    // string's) hands over the value itself: it is buffered the same way.

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let map = de::value::MapAccessDeserializer::new(map);
        buffered(<serde_json::Value as de::Deserialize>::deserialize(map)?)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let seq = de::value::SeqAccessDeserializer::new(seq);
        buffered(<serde_json::Value as de::Deserialize>::deserialize(seq)?)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        buffered(serde_json::Value::from(text))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<T, E> {
        buffered(serde_json::Value::from(flag))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<T, E> {
        buffered(serde_json::Value::from(number))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<T, E> {
        buffered(serde_json::Value::from(number))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<T, E> {
        buffered(serde_json::Value::from(number))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        buffered(serde_json::Value::Null)
    }
}

/// Reads a buffered value through the runtime's reader, which peeks.
fn buffered<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    super::from_buffered(&value.to_string()).map_err(super::union_error)
}

/// Reads a [`Peek`] type's value from the reader, its shape known.
struct ReadSeed<'s, 'de, T> {
    shape: &'s OwnedShape<'de>,
    read: PhantomData<T>,
}

impl<'de, T: Peek> DeserializeSeed<'de> for ReadSeed<'_, 'de, T> {
    type Value = T;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::read(self.shape.shape(), deserializer)
    }
}

/// A value's text, for a union that has to try its alternatives one by one: a slice of the body
/// from the runtime's reader; written out from a buffered value by any other deserializer.
#[doc(hidden)]
pub fn text_of<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct Text;

    impl<'de> Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value")
        }

        fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(text))
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            let value = <serde_json::Value as de::Deserialize>::deserialize(deserializer)?;
            Ok(Cow::Owned(value.to_string()))
        }
    }

    deserializer.deserialize_newtype_struct(RAW_TEXT, Text)
}

/// The value a union keeps when no alternative reads it, from its text.
#[doc(hidden)]
pub fn unrecognized(text: &str) -> serde_json::Value {
    // The text is one JSON value already read by a parser as strict as serde_json.
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_to_peek_at() {
        assert_eq!(peeked_member(PEEK_KIND), Some(""));
        assert_eq!(peeked_member(PEEK_OBJECT), Some("object"));
        assert_eq!(peeked_member(PEEK_DELETED), Some("deleted"));
        assert_eq!(peeked_member(RAW_TEXT), None);
        assert_eq!(peeked_member("Customer"), None);
    }

    /// Every shape reaches a visitor as it was seen, borrowed or not.
    #[test]
    fn shapes_travel_through_serde() {
        let text = String::from("customer");
        for shape in [
            Shape::Null,
            Shape::Bool,
            Shape::Number,
            Shape::String,
            Shape::Array,
            Shape::Object(Member::Missing),
            Shape::Object(Member::Other),
            Shape::Object(Member::Bool(true)),
            Shape::Object(Member::Str(&text)),
        ] {
            for borrowed in [None, shape.tag()] {
                let owned: OwnedShape<'_> =
                    write_shape::<_, de::value::Error>(shape, borrowed, ShapeSeed).unwrap();
                assert_eq!(owned.shape(), shape);
            }
        }
    }
}
