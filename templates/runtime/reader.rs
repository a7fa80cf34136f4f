//! The JSON reader behind response parsing: a `serde::Deserializer` over a body already known to
//! be UTF-8, specialised for what responses hold.
//!
//! It replaces `serde_json::from_str` on the hot path because, measured side by side with
//! async-stripe (`benches/peers`), serde_json's per-key and per-string work and the moves of big
//! values between its layers were most of what was left, and a `Deserialize` impl cannot reach
//! them. Here a key or a string without escapes is a slice of the body, found eight bytes at a
//! time and handed to the visitor as borrowed text (only escaped text is copied), and a visitor's
//! value is returned as it is, never moved from one `Result` into another.
//!
//! Every error carries the byte offset of the value it is about (syntax errors: of the byte at
//! fault), from which `json::describe` names the JSON path. Messages are serde's own for type
//! errors and serde_json's wording for syntax errors. Everything is JSON as serde_json reads it
//! (`raw_request` parses any `DeserializeOwned`, `serde_json::Value` included), with the same
//! recursion limit.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::peek;

/// The nesting of arrays and objects that is refused, as in serde_json (whose limit keeps a
/// hostile body from overflowing the stack): 127 levels are read, the 128th is an error.
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
#[cfg(test)]
pub(crate) fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, Error> {
    read(text, |_, error| error)
}

/// Reads one JSON document from `text` into `T`, an error turned into the caller's by `fail`.
///
/// The value is moved out of the reader's `Result` once, straight into the caller's: a response
/// struct is large, and each move is a copy, so errors are converted here rather than by a
/// `map_err` on the way out (which copied the value a second time).
#[inline]
pub(crate) fn read<'de, T: de::Deserialize<'de>, E>(
    text: &'de str,
    fail: impl FnOnce(&'de str, Error) -> E,
) -> Result<T, E> {
    let mut reader = Reader {
        text,
        pos: 0,
        depth: 0,
    };
    let result = T::deserialize(&mut reader);
    reader.skip_whitespace();
    match result {
        // A visitor that returned before the end of its object or array left it open.
        Ok(value) if reader.pos == text.len() && reader.depth == 0 => Ok(value),
        Ok(_) => Err(fail(text, Error::at("trailing characters", reader.pos))),
        // An error without an offset is about the whole document, offset 0.
        Err(error) => Err(fail(text, error)),
    }
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
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// The closing `]` of an array at `depth`, unless its visitor read it: a tuple's visitor
    /// stops after its last item.
    fn close_items<T>(&mut self, result: Result<T, Error>, depth: u32) -> Result<T, Error> {
        let value = result?;
        if self.depth == depth {
            self.skip_whitespace();
            if self.peek() != Some(b']') {
                return Err(self.unclosed_list());
            }
            self.pos += 1;
            self.depth -= 1;
        }
        Ok(value)
    }

    /// The closing `}` of an enum written as an object, after its visitor's `result`.
    fn leave_variant<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        let value = result?;
        self.depth -= 1;
        self.skip_whitespace();
        if self.peek() != Some(b'}') {
            return Err(self.unclosed_object());
        }
        self.pos += 1;
        Ok(value)
    }

    /// Why an array whose visitor stopped reading is not closed at `pos`, as serde_json says
    /// it: after a comma, at what follows it.
    #[cold]
    fn unclosed_list(&mut self) -> Error {
        match self.peek() {
            None => self.eof("a list"),
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b']') => self.error("trailing comma"),
                    _ => self.error("trailing characters"),
                }
            }
            Some(_) => self.error("trailing characters"),
        }
    }

    /// Why an object whose visitor stopped reading is not closed at `pos`, as serde_json says
    /// it.
    #[cold]
    fn unclosed_object(&self) -> Error {
        match self.peek() {
            None => self.eof("an object"),
            Some(b',') => self.error("trailing comma"),
            Some(_) => self.error("trailing characters"),
        }
    }

    /// The string that starts at `pos` (a `"`): a slice of the body unless it holds escapes.
    #[inline]
    fn string(&mut self) -> Result<Cow<'de, str>, Error> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let end = self.plain_run(start);
        match bytes.get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                Ok(Cow::Borrowed(&self.text[start..end]))
            }
            Some(b'\\') => self.escaped(start, end).map(Cow::Owned),
            Some(_) => {
                self.pos = end;
                Err(self.error("control character (\\u0000-\\u001F) found while parsing a string"))
            }
            None => {
                self.pos = end;
                Err(self.eof("a string"))
            }
        }
    }

    /// The first `"`, `\` or control character at or after `from` (or the end of the text),
    /// found eight bytes at a time (SWAR: a byte of `word ^ quote` is 0 where `word` has a `"`;
    /// the lowest flagged byte is exact).
    #[inline]
    fn plain_run(&self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = from;
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
                return end + flags.trailing_zeros() as usize / 8;
            }
            end += 8;
        }
        // The last few bytes, one at a time.
        while let Some(&byte) = bytes.get(end) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                break;
            }
            end += 1;
        }
        end
    }

    /// Skips the string at `pos` (a `"`) as serde_json skips one it ignores: escapes are
    /// checked, but a `\u` escape's surrogates need not pair.
    fn skip_string(&mut self) -> Result<(), Error> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos + 1;
        loop {
            at = self.plain_run(at);
            match bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos = at + 1;
                    match self.peek() {
                        Some(b'u') => {
                            self.hex4()?;
                        }
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(_) => return Err(self.error("invalid escape")),
                        None => return Err(self.eof("a string")),
                    }
                    at = self.pos;
                }
                Some(_) => {
                    self.pos = at;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                None => {
                    self.pos = at;
                    return Err(self.eof("a string"));
                }
            }
        }
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
                    let end = self.plain_run(at);
                    text.push_str(&self.text[at..end]);
                    at = end;
                }
            }
        }
    }

    /// A `\u` escape at `pos` (the `u`), with its low surrogate when it is a high one; leaves
    /// `pos` after it.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let high = self.hex4()?;
        let code = match high {
            0xDC00..=0xDFFF => {
                return Err(self.error_before("lone leading surrogate in hex escape"))
            }
            0xD800..=0xDBFF => {
                for expected in [b'\\', b'u'] {
                    match self.peek() {
                        Some(byte) if byte == expected => self.pos += 1,
                        Some(_) => {
                            self.pos += 1;
                            return Err(self.error_before("unexpected end of hex escape"));
                        }
                        None => return Err(self.eof("a string")),
                    }
                }
                self.pos -= 1;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error_before("lone leading surrogate in hex escape"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            _ => high,
        };
        // Surrogates are handled above: every other code is a `char`.
        Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// An error about the byte before `pos`, the last one read.
    #[cold]
    fn error_before(&self, message: &str) -> Error {
        Error::at(message, self.pos - 1)
    }

    /// The four hex digits after the `u` at `pos`; leaves `pos` after them. As in serde_json, a
    /// bad digit is reported at the fourth, and fewer than four at the end of the text.
    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(digits) = self.text.as_bytes().get(self.pos + 1..self.pos + 5) else {
            self.pos = self.text.len();
            return Err(self.eof("a string"));
        };
        self.pos += 5;
        let mut value = 0;
        for &digit in digits {
            let nibble = match digit {
                b'0'..=b'9' => digit - b'0',
                b'a'..=b'f' => digit - b'a' + 10,
                b'A'..=b'F' => digit - b'A' + 10,
                _ => return Err(self.error_before("invalid escape")),
            };
            value = value << 4 | u32::from(nibble);
        }
        Ok(value)
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
            Err(self.literal_error(literal))
        }
    }

    /// Where and why `literal` does not match, as serde_json says it: at the first byte that
    /// differs, or at the end of the text.
    #[cold]
    fn literal_error(&mut self, literal: &[u8]) -> Error {
        let rest = &self.text.as_bytes()[self.pos..];
        let same = rest.iter().zip(literal).take_while(|(a, b)| a == b).count();
        self.pos += same;
        if same == rest.len() {
            self.eof("a value")
        } else {
            self.error("expected ident")
        }
    }

    /// A number at `pos`, handed to `visitor` as serde_json would: integers as `u64` or `i64`
    /// while they fit, anything else as `f64`.
    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let number = self.scan_number()?;
        if !number.float {
            if !number.negative {
                return visitor.visit_u64(number.magnitude);
            }
            // `-0` is the float -0.0, as in serde_json.
            if number.magnitude != 0 && number.magnitude <= 1 << 63 {
                return visitor.visit_i64((number.magnitude as i64).wrapping_neg());
            }
        }
        match self.text[number.start..self.pos].parse::<f64>() {
            Ok(value) if value.is_finite() => visitor.visit_f64(value),
            _ => {
                // As serde_json reports it: where the exponent overflowed, else at the last byte.
                self.pos = number.exponent_overflow.unwrap_or(self.pos - 1);
                Err(self.error("number out of range"))
            }
        }
    }

    /// Reads past the number at `pos`, checking its syntax (all that serde_json checks of a
    /// number it skips).
    fn scan_number(&mut self) -> Result<ScannedNumber, Error> {
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
        if at == digits {
            self.pos = at;
            return Err(self.error("invalid number"));
        }
        if bytes[digits] == b'0' && at - digits > 1 {
            // At the digit after the leading zero, as serde_json reports it.
            self.pos = digits + 1;
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
        // The digit at which a positive exponent no longer fits an `i32`: serde_json reports a
        // number that is out of range there, rather than at its end.
        let mut exponent_overflow = None;
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            let positive = bytes.get(at) != Some(&b'-');
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            let exponent = at;
            let mut value: i32 = 0;
            while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
                let next = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(i32::from(digit - b'0')));
                match next {
                    Some(next) => value = next,
                    None if positive && exponent_overflow.is_none() && at > exponent => {
                        exponent_overflow = Some(at);
                    }
                    None => {}
                }
                at += 1;
            }
            if at == exponent {
                self.pos = at;
                return Err(self.error("invalid number"));
            }
            float = true;
        }
        self.pos = at;
        Ok(ScannedNumber {
            start,
            negative,
            magnitude,
            float,
            exponent_overflow,
        })
    }

    /// Hands `visitor` the shape of the next value (and, of an object, what its top-level
    /// `member` holds) as the variant of an enum whose content is the value, still unread.
    fn peeked<V: Visitor<'de>>(&mut self, member: &str, visitor: V) -> Result<V::Value, Error> {
        let (kind, found) = match self.next_token("a value")? {
            b'{' if member.is_empty() => (Kind::Object, Found::Missing),
            b'{' => (Kind::Object, self.find_member(member)),
            b'"' => (Kind::String, Found::Missing),
            b'[' => (Kind::Array, Found::Missing),
            b'n' => (Kind::Null, Found::Missing),
            b't' | b'f' => (Kind::Bool, Found::Missing),
            b'-' | b'0'..=b'9' => (Kind::Number, Found::Missing),
            _ => return Err(self.error("expected value")),
        };
        visitor.visit_enum(Peeked {
            kind,
            found,
            reader: self,
        })
    }

    /// What the top-level `member` of the object at `pos` holds, found by skipping the members
    /// before it (the first one, if repeated). The object is not read: a syntax error stops the
    /// search, and the read that follows reports it.
    fn find_member(&self, member: &str) -> Found<'de> {
        let mut scan = Reader {
            text: self.text,
            pos: self.pos + 1,
            depth: 0,
        };
        loop {
            if scan.next_token("").ok() != Some(b'"') {
                return Found::Missing;
            }
            let Ok(key) = scan.string() else {
                return Found::Missing;
            };
            if scan.next_token("").ok() != Some(b':') {
                return Found::Missing;
            }
            scan.pos += 1;
            if key == member {
                return match scan.next_token("") {
                    Ok(b'"') => scan.string().map_or(Found::Other, Found::Str),
                    Ok(b't') if scan.literal(b"true").is_ok() => Found::Bool(true),
                    Ok(b'f') if scan.literal(b"false").is_ok() => Found::Bool(false),
                    _ => Found::Other,
                };
            }
            if scan.skip().is_err() || scan.next_token("").ok() != Some(b',') {
                return Found::Missing;
            }
            scan.pos += 1;
        }
    }

    /// Skips one value (a member a type doesn't know) as serde_json skips one: checked as closely
    /// as when reading it, except that a `\u` escape's surrogates need not pair and nesting has
    /// no limit. Containers are counted, not recursed into, so no depth overflows the stack.
    fn skip(&mut self) -> Result<(), Error> {
        let mut open = OpenContainers::default();
        'value: loop {
            match self.next_token("a value")? {
                b'"' => self.skip_string()?,
                b'{' => {
                    self.pos += 1;
                    match self.next_token("an object")? {
                        b'}' => self.pos += 1,
                        b'"' => {
                            open.push(true);
                            self.skip_key()?;
                            continue 'value;
                        }
                        _ => return Err(self.error("key must be a string")),
                    }
                }
                b'[' => {
                    self.pos += 1;
                    if self.next_token("a list")? == b']' {
                        self.pos += 1;
                    } else {
                        open.push(false);
                        continue 'value;
                    }
                }
                b'-' | b'0'..=b'9' => {
                    self.scan_number()?;
                }
                _ => de::Deserializer::deserialize_any(&mut *self, de::IgnoredAny).map(drop)?,
            }
            // After a value: the containers it closes, then a comma before the next value.
            while let Some(object) = open.innermost() {
                let reading = if object { "an object" } else { "a list" };
                match self.next_token(reading)? {
                    b',' => {
                        self.pos += 1;
                        match self.next_token(reading)? {
                            b'"' if object => self.skip_key()?,
                            b'}' if object => return Err(self.error("trailing comma")),
                            _ if object => return Err(self.error("key must be a string")),
                            b']' => return Err(self.error("trailing comma")),
                            _ => {}
                        }
                        continue 'value;
                    }
                    b'}' if object => {
                        self.pos += 1;
                        open.pop();
                    }
                    b']' if !object => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ if object => return Err(self.error("expected `,` or `}`")),
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
            return Ok(());
        }
    }

    /// Skips a key at `pos` (a `"`) and the `:` after it.
    fn skip_key(&mut self) -> Result<(), Error> {
        self.skip_string()?;
        if self.next_token("an object")? != b':' {
            return Err(self.error("expected `:`"));
        }
        self.pos += 1;
        Ok(())
    }
}

/// A number `scan_number` read past.
struct ScannedNumber {
    start: usize,
    negative: bool,
    /// The integer's magnitude, when it is one that fits a `u64`.
    magnitude: u64,
    /// Whether it has a fraction or exponent, or an integer part too long for a `u64`.
    float: bool,
    /// The digit at which a positive exponent no longer fits an `i32`.
    exponent_overflow: Option<usize>,
}

/// The containers `skip` is inside, innermost last: one bit each, set for an object.
#[derive(Default)]
struct OpenContainers {
    depth: usize,
    /// The first 64 levels.
    low: u64,
    /// Each further 64.
    high: Vec<u64>,
}

impl OpenContainers {
    fn push(&mut self, object: bool) {
        let (word, bit) = (self.depth / 64, self.depth % 64);
        let word = match word {
            0 => &mut self.low,
            n => {
                if self.high.len() < n {
                    self.high.push(0);
                }
                &mut self.high[n - 1]
            }
        };
        *word = *word & !(1 << bit) | u64::from(object) << bit;
        self.depth += 1;
    }

    fn pop(&mut self) {
        self.depth -= 1;
    }

    /// Whether the innermost open container is an object; `None` when none is open.
    fn innermost(&self) -> Option<bool> {
        let top = self.depth.checked_sub(1)?;
        let word = match top / 64 {
            0 => self.low,
            n => self.high[n - 1],
        };
        Some(word >> (top % 64) & 1 == 1)
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
                visitor.visit_map(Members::new(self))
            }
            b'[' => {
                self.enter()?;
                let depth = self.depth;
                let result = visitor.visit_seq(Items::new(self));
                self.close_items(result, depth)
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

    /// An object straight to `visit_map`, without `deserialize_any`'s dispatch on every kind of
    /// value (response structs and their nested objects come here); anything else goes through
    /// `deserialize_any`, for serde's "invalid type" message.
    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.next_token("a value")? == b'{' {
            self.enter()?;
            visitor.visit_map(Members::new(self))
        } else {
            self.deserialize_any(visitor)
        }
    }

    /// An ordinary newtype struct is its content; the names of `peek.rs` ask for a look at the
    /// value before it is read, or for its text.
    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name.starts_with('\0') {
            if let Some(member) = peek::peeked_member(name) {
                return self.peeked(member, visitor);
            }
            if name == peek::RAW_TEXT {
                self.skip_whitespace();
                let start = self.pos;
                self.skip()?;
                return visitor.visit_borrowed_str(&self.text[start..self.pos]);
            }
        }
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
                self.leave_variant(result)
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
        unit unit_struct seq tuple tuple_struct struct identifier
    }
}

/// The members of an object, for `MapAccess`. The closing `}` is read with the last member, so
/// the visitor's value is returned as it is, not held while the reader looks for the `}` (a
/// response struct is large, and every move is a copy); a visitor that returns before the end
/// leaves `depth` too high, which its parent (or `from_str`) reports as serde_json does
/// ("trailing characters"). (Visitors of maps read to the end; a tuple's stops at its last item,
/// so arrays are closed after their visitor too, see `close_items`.)
struct Members<'a, 'de> {
    reader: &'a mut Reader<'de>,
    /// The reader's depth inside this object; 0 once the object is closed.
    depth: u32,
    first: bool,
}

impl<'a, 'de> Members<'a, 'de> {
    /// At the `{`.
    #[inline]
    fn new(reader: &'a mut Reader<'de>) -> Self {
        let depth = reader.depth;
        Members {
            reader,
            depth,
            first: true,
        }
    }
}

impl<'de> de::MapAccess<'de> for Members<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let reader = &mut *self.reader;
        if reader.depth != self.depth {
            return match self.depth {
                0 => Ok(None),
                _ => Err(reader.error("trailing characters")),
            };
        }
        match reader.next_token("an object")? {
            b'}' => {
                reader.pos += 1;
                reader.depth -= 1;
                self.depth = 0;
                return Ok(None);
            }
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

    /// A key read as a unit variant (a map keyed by an enum).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.0.string()?.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// The items of an array, for `SeqAccess`; the closing `]` is read as `Members` reads `}`, or
/// after the visitor (`close_items`) when it stops at the last item it wants.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    /// The reader's depth inside this array; 0 once the array is closed.
    depth: u32,
    first: bool,
}

impl<'a, 'de> Items<'a, 'de> {
    /// At the `[`.
    #[inline]
    fn new(reader: &'a mut Reader<'de>) -> Self {
        let depth = reader.depth;
        Items {
            reader,
            depth,
            first: true,
        }
    }

    /// Whether another item follows (then `pos` is at it).
    #[inline]
    fn more(&mut self) -> Result<bool, Error> {
        let reader = &mut *self.reader;
        if reader.depth != self.depth {
            return match self.depth {
                0 => Ok(false),
                _ => Err(reader.error("trailing characters")),
            };
        }
        match reader.next_token("a list")? {
            b']' => {
                reader.pos += 1;
                reader.depth -= 1;
                self.depth = 0;
                return Ok(false);
            }
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

/// The kind of a peeked value.
#[derive(Clone, Copy)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// The peeked member of an object.
enum Found<'de> {
    Missing,
    Str(Cow<'de, str>),
    Bool(bool),
    Other,
}

/// A peeked value for `visit_enum`: its shape as the variant, the value as the content.
struct Peeked<'a, 'de> {
    kind: Kind,
    found: Found<'de>,
    reader: &'a mut Reader<'de>,
}

impl<'a, 'de> de::EnumAccess<'de> for Peeked<'a, 'de> {
    type Error = Error;
    type Variant = PeekedContent<'a, 'de>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let member = match &self.found {
            Found::Missing => peek::Member::Missing,
            Found::Str(text) => peek::Member::Str(text),
            Found::Bool(flag) => peek::Member::Bool(*flag),
            Found::Other => peek::Member::Other,
        };
        let shape = match self.kind {
            Kind::Null => peek::Shape::Null,
            Kind::Bool => peek::Shape::Bool,
            Kind::Number => peek::Shape::Number,
            Kind::String => peek::Shape::String,
            Kind::Array => peek::Shape::Array,
            Kind::Object => peek::Shape::Object(member),
        };
        let borrowed = match &self.found {
            Found::Str(Cow::Borrowed(text)) => Some(*text),
            _ => None,
        };
        let variant = seed.deserialize(peek::ShapeWriter {
            shape,
            borrowed,
            error: std::marker::PhantomData,
        })?;
        Ok((variant, PeekedContent(self.reader)))
    }
}

/// The peeked value itself, read by the alternative its shape chose.
struct PeekedContent<'a, 'de>(&'a mut Reader<'de>);

impl<'de> de::VariantAccess<'de> for PeekedContent<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Err(de::Error::custom(
            "a peeked value is read as a newtype variant",
        ))
    }

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::custom(
            "a peeked value is read as a newtype variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::custom(
            "a peeked value is read as a newtype variant",
        ))
    }
}

/// An enum written as an object of one member, the variant's name as its key.
struct Variant<'a, 'de>(&'a mut Reader<'de>);

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let mut members = Members::new(&mut *self.0);
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// The reader and serde_json agree on what a document holds, and on which documents are
    /// not JSON.
    #[test]
    fn reads_json_as_serde_json_does() {
        for text in [
            r#"{"a": [1, -2, 3.5, -0.25e-3, 1E+2, 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809], "b": {"c": null, "d": [true, false, []], "e": {}}}"#,
            r#"  "esc\"aped \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 long enough to need words"  "#,
            r#"{"k\u0065y": "é", "": 0, "x": -0}"#,
            "[]",
            "0",
        ] {
            let ours: Value = from_str(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(ours, serde_json::from_str::<Value>(text).unwrap(), "{text}");
        }
        for text in [
            "",
            "{",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{a: 1}"#,
            "[1 2]",
            "01",
            "1.",
            "-",
            "1e",
            "nul",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"a\u{1}\"",
            "[1] 2",
            "1e999",
            "\"open",
        ] {
            assert!(from_str::<Value>(text).is_err(), "{text}");
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
        }
        // Every cut and every one-byte change of a document: accepted and read alike, or
        // rejected by both (and never a panic).
        let text = r#"{"a": [1, -2.5e3, "x\n\u00e9"], "b": {"c": null, "d": true}, "e": false}"#;
        let mut variants: Vec<String> = (0..text.len()).map(|n| text[..n].to_owned()).collect();
        for at in 0..text.len() {
            for byte in [
                b' ', b'"', b'\\', b',', b':', b'}', b']', b'0', b'-', b'e', b'.',
            ] {
                let mut bytes = text.as_bytes().to_vec();
                bytes[at] = byte;
                variants.extend(String::from_utf8(bytes).ok());
            }
        }
        for text in &variants {
            let ours = from_str::<Value>(text).ok();
            assert_eq!(ours, serde_json::from_str::<Value>(text).ok(), "{text}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            from_str::<Value>(&deep).unwrap_err().message(),
            "recursion limit exceeded"
        );
    }

    #[test]
    fn skips_unknown_members_of_any_shape() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Known {
            b: u8,
        }
        let text = r#"{"a": {"x": [1, {"y": "\"}"}], "z": null}, "b": 7, "c": [[], {}, "]"]}"#;
        assert_eq!(from_str::<Known>(text).unwrap(), Known { b: 7 });
        assert!(from_str::<Known>(r#"{"a": [1,], "b": 7}"#).is_err());
    }

    #[test]
    fn errors_carry_the_offset_of_their_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            n: u8,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Inner,
        }
        let text = r#"{"inner": {"m": 1}}"#;
        let error = from_str::<Outer>(text).unwrap_err();
        assert_eq!(error.message(), "missing field `n`");
        assert_eq!(error.offset(), text.find("{\"m\"").unwrap());
        let error = from_str::<Outer>(r#"{"inner": {"n": "x"}}"#).unwrap_err();
        assert!(error.message().starts_with("invalid type: string \"x\""));
        assert_eq!(error.offset(), 16);
    }

    #[test]
    fn enums_read_as_serde_json_reads_them() {
        #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
        enum Shape {
            Dot,
            Circle(u8),
            Pair(u8, u8),
            Box { side: u8 },
        }
        let text = r#"["Dot", {"Circle": 2}, {"Pair": [1, 2]}, {"Box": {"side": 3}}]"#;
        assert_eq!(
            from_str::<Vec<Shape>>(text).unwrap(),
            serde_json::from_str::<Vec<Shape>>(text).unwrap()
        );
        let keyed: std::collections::BTreeMap<Shape, u8> = from_str(r#"{"Dot": 1}"#).unwrap();
        assert_eq!(keyed[&Shape::Dot], 1);
    }
}
