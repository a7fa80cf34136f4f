//! The JSON reader behind response parsing: a `serde::Deserializer` over a body already known to
//! be UTF-8, specialised for what responses hold.
//!
//! It replaces `serde_json::from_str` on the hot path because, measured side by side with
//! async-stripe (`benches/peers`), serde_json's general machinery (a scratch buffer for every
//! key and string, a peeked-byte state, line and column bookkeeping, a sized error in every
//! `Result`) cost more than the typed code around it. Here a key or a string without escapes is
//! a slice of the body, handed to the visitor as borrowed text; only escaped text is copied.
//!
//! Every error carries the byte offset of the value it is about (syntax errors: of the byte at
//! fault), from which `json::describe` names the JSON path. Messages are serde's own for type
//! errors and serde_json's wording for syntax errors. Everything is JSON as serde_json reads it
//! (`raw_request` parses any `DeserializeOwned`, `serde_json::Value` included), with the same
//! recursion limit.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::json::{same, FIELD_KEYS};

/// How deep arrays and objects may nest, as in serde_json (whose limit keeps a hostile body from
/// overflowing the stack).
const MAX_DEPTH: u32 = 128;

/// A parse error: its message and the byte offset it is about, once known. Boxed, so a
/// `Result` stays two words wide on the success path.
pub(crate) struct Error(Box<(String, Option<usize>)>);

impl Error {
    fn at(message: &str, offset: usize) -> Self {
        Error(Box::new((message.to_owned(), Some(offset))))
    }

    /// The offset of a value an error raised by a visitor is about (the innermost value it came
    /// out of); an error that already has one keeps it.
    #[cold]
    fn within(&mut self, start: usize) {
        self.0 .1.get_or_insert(start);
    }

    pub(crate) fn message(&self) -> &str {
        &self.0 .0
    }

    pub(crate) fn offset(&self) -> usize {
        self.0 .1.unwrap_or(0)
    }
}

impl de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(Box::new((message.to_string(), None)))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {:?}", self.message(), self.0 .1)
    }
}

impl std::error::Error for Error {}

/// Reads one JSON document from `text` into `T`: nothing but whitespace may follow it.
pub(crate) fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, Error> {
    let mut reader = Reader {
        text,
        pos: 0,
        depth: 0,
    };
    // The result is checked and returned where it is (here and below), not moved out of its
    // `Result` and into a new one: a response struct is large, and each move is a copy.
    let mut result = reader.value(std::marker::PhantomData::<T>);
    reader.skip_whitespace();
    if result.is_ok() && reader.pos < text.len() {
        result = Err(Error::at("trailing characters", reader.pos));
    }
    result
}

struct Reader<'de> {
    text: &'de str,
    pos: usize,
    depth: u32,
}

impl<'de> Reader<'de> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, or an error naming what was being read.
    #[inline]
    fn next_token(&mut self, reading: &str) -> Result<u8, Error> {
        self.skip_whitespace();
        match self.peek() {
            Some(byte) => Ok(byte),
            None => Err(self.eof(reading)),
        }
    }

    #[cold]
    fn eof(&self, reading: &str) -> Error {
        Error::at(&format!("EOF while parsing {reading}"), self.pos)
    }

    #[cold]
    fn error(&self, message: &str) -> Error {
        Error::at(message, self.pos)
    }

    /// One value through `seed`; an error from a visitor gets this value's offset.
    #[inline]
    fn value<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        self.skip_whitespace();
        let start = self.pos;
        let mut result = seed.deserialize(&mut *self);
        if let Err(error) = &mut result {
            error.within(start);
        }
        result
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// The closing `}` or `]` of a container, after its visitor's `result`: a visitor that
    /// succeeded must have read all of it. Inlined, so `result` stays in place.
    #[inline(always)]
    fn leave<T>(&mut self, mut result: Result<T, Error>, close: u8) -> Result<T, Error> {
        self.depth -= 1;
        if result.is_ok() {
            self.skip_whitespace();
            if self.peek() == Some(close) {
                self.pos += 1;
            } else {
                result = Err(self.unclosed());
            }
        }
        result
    }

    #[cold]
    fn unclosed(&self) -> Error {
        match self.peek() {
            None => self.eof("a value"),
            Some(b',') => self.error("trailing comma"),
            Some(_) => self.error("trailing characters"),
        }
    }

    /// The string that starts at `pos` (a `"`): a slice of the body unless it holds escapes.
    #[inline]
    fn string(&mut self) -> Result<Cow<'de, str>, Error> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut end = start;
        // Eight bytes at a time up to the first `"`, `\` or control character (SWAR: a byte of
        // `word ^ quote` is 0 where `word` has a `"`; the lowest flagged byte is exact).
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGH: u64 = ONES << 7;
        while let Some(chunk) = bytes.get(end..end + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap());
            let zero = |x: u64| x.wrapping_sub(ONES) & !x;
            let flags = (zero(word ^ (ONES * u64::from(b'"')))
                | zero(word ^ (ONES * u64::from(b'\\')))
                | word.wrapping_sub(ONES * 0x20) & !word)
                & HIGH;
            if flags != 0 {
                end += flags.trailing_zeros() as usize / 8;
                break;
            }
            end += 8;
        }
        while let Some(&byte) = bytes.get(end) {
            match byte {
                b'"' => {
                    self.pos = end + 1;
                    return Ok(Cow::Borrowed(&self.text[start..end]));
                }
                b'\\' => return self.escaped(start, end).map(Cow::Owned),
                0..=0x1F => {
                    self.pos = end;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                _ => end += 1,
            }
        }
        self.pos = end;
        Err(self.eof("a string"))
    }

    /// The rest of a string with escapes, from its first `\` at `at`.
    #[cold]
    fn escaped(&mut self, start: usize, mut at: usize) -> Result<String, Error> {
        let bytes = self.text.as_bytes();
        let mut text = String::from(&self.text[start..at]);
        loop {
            let Some(&byte) = bytes.get(at) else {
                self.pos = at;
                return Err(self.eof("a string"));
            };
            match byte {
                b'"' => {
                    self.pos = at + 1;
                    return Ok(text);
                }
                b'\\' => {
                    self.pos = at + 1;
                    let unescaped = match self.peek() {
                        Some(b'u') => self.unicode_escape()?,
                        Some(letter) => {
                            let unescaped = match letter {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                _ => return Err(self.error("invalid escape")),
                            };
                            self.pos += 1;
                            unescaped
                        }
                        None => return Err(self.eof("a string")),
                    };
                    text.push(unescaped);
                    at = self.pos;
                }
                0..=0x1F => {
                    self.pos = at;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                _ => {
                    // Copies up to the next `"`, `\` or control character (all ASCII, so `at`
                    // stays on a character boundary).
                    let run = bytes[at..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(bytes.len() - at);
                    text.push_str(&self.text[at..at + run]);
                    at += run;
                }
            }
        }
    }

    /// A `\u` escape at `pos` (the `u`), with its low surrogate when it is a high one; leaves
    /// `pos` after it.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if self.text.as_bytes().get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 1;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            _ => high,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    /// The four hex digits after the `u` at `pos`; leaves `pos` after them.
    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self.text.get(self.pos + 1..self.pos + 5);
        let value = digits
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok());
        match value {
            Some(value) => {
                self.pos += 5;
                Ok(value)
            }
            None => Err(self.error("invalid escape")),
        }
    }

    /// `literal` (`null`, `true` or `false`) at `pos`.
    #[inline]
    fn literal<const N: usize>(&mut self, literal: &[u8; N]) -> Result<(), Error> {
        let bytes = self.text.as_bytes().get(self.pos..self.pos + N);
        // As an array, compared as one integer rather than through `memcmp`.
        if bytes.and_then(|bytes| <[u8; N]>::try_from(bytes).ok()) == Some(*literal) {
            self.pos += N;
            Ok(())
        } else {
            Err(self.error("expected value"))
        }
    }

    /// A number at `pos`, handed to `visitor` as serde_json would: integers as `u64` or `i64`
    /// while they fit, anything else as `f64`.
    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let negative = bytes[start] == b'-';
        let mut at = start + usize::from(negative);
        let digits = at;
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
            match magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u64::from(digit - b'0')))
            {
                Some(m) => magnitude = m,
                None => overflow = true,
            }
            at += 1;
        }
        let leading_zero = bytes[digits] == b'0' && at - digits > 1;
        if at == digits || leading_zero {
            self.pos = at;
            return Err(self.error("invalid number"));
        }
        let mut float = overflow;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let fraction = at;
            while let Some(b'0'..=b'9') = bytes.get(at) {
                at += 1;
            }
            if at == fraction {
                self.pos = at;
                return Err(self.error("invalid number"));
            }
            float = true;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            let exponent = at;
            while let Some(b'0'..=b'9') = bytes.get(at) {
                at += 1;
            }
            if at == exponent {
                self.pos = at;
                return Err(self.error("invalid number"));
            }
            float = true;
        }
        self.pos = at;
        if !float {
            if !negative {
                return visitor.visit_u64(magnitude);
            }
            if magnitude <= 1 << 63 {
                return visitor.visit_i64((magnitude as i64).wrapping_neg());
            }
        }
        match self.text[start..at].parse::<f64>() {
            Ok(value) if value.is_finite() => visitor.visit_f64(value),
            _ => {
                self.pos = start;
                Err(self.error("number out of range"))
            }
        }
    }

    /// Skips one value (a member a type doesn't know), checking it as closely as reading it.
    fn skip(&mut self) -> Result<(), Error> {
        match self.next_token("a value")? {
            b'"' => self.string().map(drop),
            b'{' => {
                self.enter()?;
                let mut members = Members {
                    reader: self,
                    first: true,
                };
                while de::MapAccess::next_key::<de::IgnoredAny>(&mut members)?.is_some() {
                    members.reader.skip()?;
                }
                self.leave(Ok(()), b'}')
            }
            b'[' => {
                self.enter()?;
                let mut items = Items {
                    reader: self,
                    first: true,
                };
                while items.more()? {
                    items.reader.skip()?;
                }
                self.leave(Ok(()), b']')
            }
            _ => de::Deserializer::deserialize_any(&mut *self, de::IgnoredAny).map(drop),
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.next_token("a value")? {
            b'"' => match self.string()? {
                Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
                Cow::Owned(text) => visitor.visit_string(text),
            },
            b'{' => {
                self.enter()?;
                let result = visitor.visit_map(Members {
                    reader: &mut *self,
                    first: true,
                });
                self.leave(result, b'}')
            }
            b'[' => {
                self.enter()?;
                let result = visitor.visit_seq(Items {
                    reader: &mut *self,
                    first: true,
                });
                self.leave(result, b']')
            }
            b'-' | b'0'..=b'9' => self.number(visitor),
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            _ => Err(self.error("expected value")),
        }
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.next_token("a value")? == b'n' {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// An enum is its variant's name (`"a"`) or an object of one member (`{"a": value}`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.next_token("a value")? {
            b'"' => visitor.visit_enum(self.string()?.into_deserializer()),
            b'{' => {
                self.enter()?;
                let result = visitor.visit_enum(Variant(&mut *self));
                self.leave(result, b'}')
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The members of an object, for `MapAccess`.
struct Members<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Members<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let reader = &mut *self.reader;
        match reader.next_token("an object")? {
            b'}' => return Ok(None),
            b',' if !self.first => {
                reader.pos += 1;
                if reader.next_token("an object")? != b'"' {
                    return Err(reader.error(if reader.peek() == Some(b'}') {
                        "trailing comma"
                    } else {
                        "key must be a string"
                    }));
                }
            }
            b'"' if self.first => {}
            _ if self.first => return Err(reader.error("key must be a string")),
            _ => return Err(reader.error("expected `,` or `}`")),
        }
        self.first = false;
        let key = seed.deserialize(Key(&mut *reader))?;
        if reader.next_token("an object")? != b':' {
            return Err(reader.error("expected `:`"));
        }
        reader.pos += 1;
        Ok(Some(key))
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.reader.value(seed)
    }
}

/// An object's key, at its opening `"`.
struct Key<'a, 'de>(&'a mut Reader<'de>);

impl<'de> de::Deserializer<'de> for Key<'_, 'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.string()? {
            Cow::Borrowed(key) => visitor.visit_borrowed_str(key),
            Cow::Owned(key) => visitor.visit_string(key),
        }
    }

    /// `Fields` asks for a key as a variant of `FIELD_KEYS`, whose first variant is the name it
    /// expects: that name is compared with the body in place, and the key's end is never
    /// searched for. Any other key is read as text.
    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if let (true, Some(expected)) = (
            same(name.as_bytes(), FIELD_KEYS.as_bytes()),
            variants.first(),
        ) {
            let bytes = self.0.text.as_bytes();
            let start = self.0.pos + 1;
            let end = start + expected.len();
            // A name has no `"`, `\` or control character, so this is the whole key.
            if bytes.get(end) == Some(&b'"') && same(&bytes[start..end], expected.as_bytes()) {
                self.0.pos = end + 1;
                return visitor.visit_enum(0u32.into_deserializer());
            }
        }
        visitor.visit_enum(self.0.string()?.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// The items of an array, for `SeqAccess`.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl Items<'_, '_> {
    /// Whether another item follows (then `pos` is at it).
    #[inline]
    fn more(&mut self) -> Result<bool, Error> {
        let reader = &mut *self.reader;
        match reader.next_token("a list")? {
            b']' => return Ok(false),
            b',' if !self.first => {
                reader.pos += 1;
                if reader.next_token("a list")? == b']' {
                    return Err(reader.error("trailing comma"));
                }
            }
            _ if self.first => {}
            _ => return Err(reader.error("expected `,` or `]`")),
        }
        self.first = false;
        Ok(true)
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.more()? {
            self.reader.value(seed).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// An enum written as an object of one member, the variant's name as its key.
struct Variant<'a, 'de>(&'a mut Reader<'de>);

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let mut members = Members {
            reader: &mut *self.0,
            first: true,
        };
        match de::MapAccess::next_key_seed(&mut members, seed)? {
            Some(variant) => Ok((variant, self)),
            None => Err(self.0.error("expected value")),
        }
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        self.0.value(std::marker::PhantomData::<()>)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.0.value(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.0, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self.0, visitor)
    }
}
