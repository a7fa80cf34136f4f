//! Form encoding: parameters as Stripe reads them (`a[b][0]=v`), written by a serde
//! `Serializer` into unescaped pairs, and the escaping of those pairs into a query string or body.

use std::fmt;

use serde::ser::{self, Serializer};
use serde::Serialize;

use super::error::Error;

/// Form-encodes parameters exactly as the client sends them, and as Stripe's SDKs do: nested
/// objects as `a[b][c]=v`, arrays always indexed (`expand[0]=x`), booleans as `true`/`false`,
/// brackets left unescaped, and everything else escaped as stripe-python escapes it (`+` for a
/// space, `%XX` for any byte but letters, digits and `_.-~`).
///
/// An absent value (`None`), an empty list and an empty map send nothing at all, so they can
/// never change what Stripe has stored; only `Emptyable::Empty` sends `key=`, which clears a
/// value. (An empty `metadata` map sent as `metadata=` would delete every metadata key.)
pub fn encode_form<P: Serialize + ?Sized>(params: &P) -> Result<String, Error> {
    Ok(escape_pairs(&form_pairs(params)?))
}

/// Parameters as the `(key, value)` pairs of a form, in the order they are sent and not yet
/// escaped (`("items[0][price]", "price_1")`).
pub(crate) type Pairs = Vec<(String, String)>;

/// The pairs `params` form-encode to: what the client adds to (expansions, extra parameters,
/// cursors) before it escapes the whole form once, with [`escape_pairs`].
pub(crate) fn form_pairs<P: Serialize + ?Sized>(params: &P) -> Result<Pairs, Error> {
    let mut form = Form::default();
    params
        .serialize(&mut form)
        .map_err(|FormError(message)| Error::Encode(message))?;
    Ok(form.pairs)
}

/// `key=value&...`, each key and value escaped as stripe-python escapes it.
pub(crate) fn escape_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        push_escaped(&mut out, key);
        out.push('=');
        push_escaped(&mut out, value);
    }
    out
}

/// The pairs written so far, and the key of the value being serialized (`a[b][0]`).
#[derive(Default)]
struct Form {
    pairs: Pairs,
    key: String,
}

impl Form {
    /// Adds `key=value` for the current key.
    fn pair(&mut self, value: &str) -> Result<(), FormError> {
        if self.key.is_empty() {
            return Err(FormError(
                "parameters must be a struct or a map, not a single value".to_owned(),
            ));
        }
        self.pairs.push((self.key.clone(), value.to_owned()));
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
    fn pairs_are_unescaped_until_the_whole_form_is_escaped() {
        let params = BTreeMap::from([("a b".to_owned(), vec!["c&d".to_owned()])]);
        let pairs = form_pairs(&params).unwrap();
        assert_eq!(pairs, [("a b[0]".to_owned(), "c&d".to_owned())]);
        assert_eq!(escape_pairs(&pairs), "a+b[0]=c%26d");
    }
}
