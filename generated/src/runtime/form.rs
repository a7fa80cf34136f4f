//! Form encoding: parameters as Stripe reads them (`a[b][0]=v`), written by a serde
//! `Serializer` into unescaped pairs, and the escaping of those pairs into a query string or body;
//! and the `multipart/form-data` bodies of file uploads, whose parts are the same pairs plus the
//! files ([`FileUpload`]) the encoder takes aside.

use std::fmt;

use serde::ser::{self, Serializer};
use serde::Serialize;

use super::error::Error;
use super::types::{FileUpload, FILE_UPLOAD};

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

/// A file of a multipart body: its key (`file`) and where it goes among the pairs (before the
/// pair at `position`, so parts keep the order of the parameters).
#[derive(Debug)]
pub(crate) struct FilePart {
    pub(crate) position: usize,
    pub(crate) key: String,
    pub(crate) file: FileUpload,
}

/// The pairs and the files of a multipart body: [`form_pairs`], except that a [`FileUpload`]
/// becomes a file part instead of an error.
pub(crate) fn multipart_parts<P: Serialize + ?Sized>(
    params: &P,
) -> Result<(Pairs, Vec<FilePart>), Error> {
    let mut form = Form {
        files: Some(Vec::new()),
        ..Form::default()
    };
    params
        .serialize(&mut form)
        .map_err(|FormError(message)| Error::Encode(message))?;
    Ok((form.pairs, form.files.unwrap_or_default()))
}

/// A `multipart/form-data` body and its boundary, laid out as stripe-python's
/// `MultipartDataGenerator` lays one out (`_multipart_data_generator.py`), so Stripe sees the same
/// parts from both:
///
/// - one part per pair, in order, nested keys written as in a form (`file_link_data[create]`),
///   values as they are (not escaped; booleans `true`/`false`), and no `Content-Type`;
/// - a file part where the file is among the parameters, with `filename` and a `Content-Type`
///   header (stripe-python always writes `application/octet-stream` there: this writes the
///   [`FileUpload`]'s `content_type`);
/// - in a name or file name, `"` is written `%22` and CR or LF a space, so no value can end the
///   quoted text or start a header;
/// - CRLF line ends, and the closing delimiter followed by CRLF.
///
/// The boundary is 60 random hex digits (30 random bytes, as stripe-python draws them), drawn again
/// in the unlikely case that a part contains it. Built once per call, so every retry sends the
/// same bytes.
pub(crate) fn multipart_body(pairs: &[(String, String)], files: &[FilePart]) -> (String, Vec<u8>) {
    let boundary = loop {
        let boundary = super::idempotency::random_hex(30);
        let inside = |bytes: &[u8]| {
            bytes
                .windows(boundary.len())
                .any(|window| window == boundary.as_bytes())
        };
        let clash = pairs
            .iter()
            .any(|(key, value)| inside(key.as_bytes()) || inside(value.as_bytes()))
            || files.iter().any(|part| {
                inside(part.key.as_bytes())
                    || inside(part.file.file_name.as_bytes())
                    || inside(part.file.content_type.as_bytes())
                    || inside(&part.file.data)
            });
        if !clash {
            break boundary;
        }
    };
    let size = files
        .iter()
        .map(|part| part.file.data.len() + 200)
        .sum::<usize>()
        + pairs
            .iter()
            .map(|(key, value)| key.len() + value.len() + 120)
            .sum::<usize>();
    let mut body = Vec::with_capacity(size);
    let mut files = files.iter().peekable();
    for index in 0..=pairs.len() {
        while let Some(part) = files.next_if(|part| part.position <= index) {
            let file = &part.file;
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n",
                    header_value(&part.key),
                    header_value(&file.file_name)
                )
                .as_bytes(),
            );
            body.extend_from_slice(
                format!("Content-Type: {}\r\n\r\n", header_value(&file.content_type)).as_bytes(),
            );
            body.extend_from_slice(&file.data);
            body.extend_from_slice(b"\r\n");
        }
        if let Some((key, value)) = pairs.get(index) {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                    header_value(key)
                )
                .as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// Text made safe inside a quoted part header value, as stripe-python makes it.
fn header_value(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
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
    /// The files taken aside for a multipart body; `None` when the request has no place for a
    /// file (anything but a multipart body), where a file is an error.
    files: Option<Vec<FilePart>>,
    /// Set while a [`FileUpload`] serializes its fields.
    reading: Option<FileFields>,
}

/// The fields of the [`FileUpload`] being serialized, and which one comes next.
#[derive(Default)]
struct FileFields {
    field: &'static str,
    file_name: String,
    content_type: String,
    data: Vec<u8>,
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
    /// Set for a [`FileUpload`]: its fields are read into `Form::reading`, not written as pairs.
    file: bool,
}

impl<'a> Compound<'a> {
    fn new(form: &'a mut Form) -> Self {
        Self {
            form,
            index: 0,
            map_key: None,
            restore: None,
            file: false,
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
        if self.file {
            let fields = self.form.reading.take().unwrap_or_default();
            let position = self.form.pairs.len();
            let key = self.form.key.clone();
            let Some(files) = self.form.files.as_mut() else {
                return Err(FormError(
                    "a file (`FileUpload`) can only be sent in a multipart body".to_owned(),
                ));
            };
            if key.is_empty() {
                return Err(FormError(
                    "parameters must be a struct or a map, not a file".to_owned(),
                ));
            }
            files.push(FilePart {
                position,
                key,
                file: FileUpload {
                    file_name: fields.file_name,
                    content_type: fields.content_type,
                    data: fields.data,
                },
            });
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
        if let Some(file) = self.reading.as_mut() {
            match file.field {
                "file_name" => file.file_name = value.to_owned(),
                _ => file.content_type = value.to_owned(),
            }
            return Ok(());
        }
        self.pair(value)
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<(), FormError> {
        if let Some(file) = self.reading.as_mut() {
            file.data = value.to_vec();
            return Ok(());
        }
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
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a>, FormError> {
        let file = name == FILE_UPLOAD;
        if file {
            self.reading = Some(FileFields::default());
        }
        let mut compound = Compound::new(self);
        compound.file = file;
        Ok(compound)
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
                if self.file {
                    if let Some(file) = self.form.reading.as_mut() {
                        file.field = name;
                    }
                    return value.serialize(&mut *self.form);
                }
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

    #[derive(Serialize)]
    struct Upload {
        purpose: String,
        file: super::super::FileUpload,
        file_link_data: BTreeMap<String, bool>,
        expand: Vec<String>,
    }

    fn upload() -> Upload {
        Upload {
            purpose: "dispute_evidence".to_owned(),
            file: super::super::FileUpload::new(
                "a \"quoted\"\r\nname.pdf",
                "application/pdf",
                b"%PDF\r\n--\x00\xff".to_vec(),
            ),
            file_link_data: BTreeMap::from([("create".to_owned(), true)]),
            expand: vec!["file link".to_owned()],
        }
    }

    #[test]
    fn files_are_taken_aside_in_their_place_among_the_pairs() {
        let (pairs, files) = multipart_parts(&upload()).unwrap();
        assert_eq!(
            pairs,
            [
                ("purpose".to_owned(), "dispute_evidence".to_owned()),
                ("file_link_data[create]".to_owned(), "true".to_owned()),
                ("expand[0]".to_owned(), "file link".to_owned()),
            ]
        );
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].position, files[0].key.as_str()), (1, "file"));
        assert_eq!(files[0].file, upload().file);
    }

    #[test]
    fn a_file_outside_a_multipart_body_is_an_error() {
        let error = form_pairs(&upload()).unwrap_err().to_string();
        assert!(error.contains("multipart"), "{error}");
        assert!(multipart_parts(&upload().file).is_err());
    }

    #[test]
    fn multipart_body_is_laid_out_as_stripe_python_lays_it_out() {
        let (pairs, files) = multipart_parts(&upload()).unwrap();
        let (boundary, body) = multipart_body(&pairs, &files);
        assert_eq!(boundary.len(), 60);
        let mut expected = Vec::new();
        expected.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\
                 dispute_evidence\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"a %22quoted%22  name.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        expected.extend_from_slice(b"%PDF\r\n--\x00\xff");
        expected.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; \
                 name=\"file_link_data[create]\"\r\n\r\ntrue\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"expand[0]\"\r\n\r\n\
                 file link\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(body, expected);
    }

    #[test]
    fn pairs_are_unescaped_until_the_whole_form_is_escaped() {
        let params = BTreeMap::from([("a b".to_owned(), vec!["c&d".to_owned()])]);
        let pairs = form_pairs(&params).unwrap();
        assert_eq!(pairs, [("a b[0]".to_owned(), "c&d".to_owned())]);
        assert_eq!(escape_pairs(&pairs), "a+b[0]=c%26d");
    }
}
