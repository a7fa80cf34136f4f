//! Parsing JSON bodies into generated types, with errors that name the JSON path of the failure.
//!
//! The path is recovered from the byte offset the reader (`runtime/reader.rs`) reports, by
//! scanning the body once. That keeps the successful parse plain: a path-tracking deserializer
//! (such as `serde_path_to_error`) would be instantiated for every response type and made up a
//! fifth of the generated crate's compiled code.

use serde::de::DeserializeOwned;

/// A parse failure: the JSON path of the failing value (`data[3].status`, `.` for the whole
/// document), serde_json's message without its position, and the byte offset it is about (of
/// the byte at fault for a syntax error, of the failing value's start for any other).
#[doc(hidden)]
#[derive(Debug)]
pub struct Failure {
    pub path: String,
    pub message: String,
    pub offset: usize,
}

/// Parses `body` as one JSON document, as the client parses a response body (public, hidden,
/// for the differential tests that compare it with serde_json).
///
/// The body is checked to be UTF-8 once, up front, and then parsed as text, so no string is
/// checked again on its own. On a body that is not UTF-8 the failure names the path of the first
/// bad byte.
#[doc(hidden)]
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    match std::str::from_utf8(body) {
        Ok(text) => parse_text(text),
        Err(error) => Err(Failure {
            path: path_at(body, error.valid_up_to()),
            message: "invalid UTF-8".to_owned(),
            offset: error.valid_up_to(),
        }),
    }
}

/// Parses `text` as one JSON document through the runtime's reader, as `from_buffered` does
/// for unions' buffered alternatives: both share the compiled `Deserialize` of a type.
#[inline]
fn parse_text<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    super::reader::read(text, |text, error| describe(text.as_bytes(), &error))
}

/// Parses a value a union buffered, for generated code and `peek.rs`: an alternative tried on
/// the value's text, or the whole union when the deserializer that met it could not peek.
/// Parsing text (not a `Value`) shares the reader, so the union is read as from a body, and a
/// failure names its path inside the value.
#[doc(hidden)]
pub fn from_buffered<T: DeserializeOwned>(text: &str) -> Result<T, BufferedFailure> {
    super::reader::read(text, |text, error| {
        BufferedFailure(describe(text.as_bytes(), &error))
    })
}

/// Why a value a union buffered did not parse, for [`union_error`].
#[doc(hidden)]
pub struct BufferedFailure(Failure);

/// The deserializer's error for a buffered union that failed: its text names the path inside
/// the union's value.
#[doc(hidden)]
pub fn union_error<E: serde::de::Error>(BufferedFailure(failure): BufferedFailure) -> E {
    E::custom(format_args!("{} (at `{}`)", failure.message, failure.path))
}

/// Finds the keys of a JSON object among a struct's field names, for generated `Deserialize`
/// impls: `next_field` gives the position of the next key that is one of them, and skips the
/// values of the others.
///
/// Stripe writes an object's keys in a stable order, mostly the order of the names here
/// (alphabetical), so the name after the last one found is tried first: one comparison for most
/// keys. Any other key is found in one step: the generator gives each struct a perfect hash of
/// its names (`slots`, indexed by [`key_hash`] with `seed`), so the key is hashed once and
/// compared with the one name in its slot. A key is matched on the text the reader borrows
/// from the body, never copied.
#[doc(hidden)]
pub struct Fields {
    names: &'static [&'static str],
    /// A power of two long: a name's position + 1 at the index its hash gives, else 0.
    slots: &'static [u16],
    seed: u64,
    expected: usize,
}

impl Fields {
    #[inline]
    pub fn new(names: &'static [&'static str], slots: &'static [u16], seed: u64) -> Self {
        Fields {
            names,
            slots,
            seed,
            expected: 0,
        }
    }

    /// The position of the next key of `map` that is a field; `None` at the end of the object.
    pub fn next_field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<usize>, A::Error> {
        while let Some(position) = map.next_key_seed(Key(self))? {
            if position != usize::MAX {
                self.expected = position + 1;
                return Ok(Some(position));
            }
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(None)
    }

    /// The position of `key` among the names, or `usize::MAX`.
    #[inline]
    fn position(&self, key: &[u8]) -> usize {
        match self.names.get(self.expected) {
            Some(name) if same(name.as_bytes(), key) => self.expected,
            _ => self.lookup(key),
        }
    }

    /// The position of `key` by its hash.
    #[inline]
    pub(crate) fn lookup(&self, key: &[u8]) -> usize {
        if self.slots.is_empty() {
            return usize::MAX;
        }
        let bits = self.slots.len().trailing_zeros();
        let index = (super::field_hash::key_hash(key, self.seed) >> (64 - bits)) as usize;
        match usize::from(self.slots[index]).checked_sub(1) {
            Some(position) if same(self.names[position].as_bytes(), key) => position,
            _ => usize::MAX,
        }
    }
}

/// Byte equality for short strings, a word at a time, without a call to `memcmp`.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let u64_at = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap());
    let u32_at = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap());
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        // Two words that overlap when `n` is under 8.
        4..=7 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        // Words, the last one overlapping the one before it.
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if u64_at(a, at) != u64_at(b, at) {
                    return false;
                }
                at += 8;
            }
            u64_at(a, n - 8) == u64_at(b, n - 8)
        }
    }
}

/// Reads one key for `Fields`: its position, or `usize::MAX` for a key the struct doesn't know.
struct Key<'a>(&'a Fields);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = usize;

    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl serde::de::Visitor<'_> for Key<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.0.position(key.as_bytes()))
    }
}

/// `Deserialize` for a string enum: the borrowed text goes straight to `from_wire`, so a known
/// value allocates nothing. For `impl_string_enum!`.
#[doc(hidden)]
#[inline]
pub fn deserialize_wire<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    from_wire: fn(&str) -> T,
) -> Result<T, D::Error> {
    struct Wire<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for Wire<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        #[inline]
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(Wire(from_wire))
}

/// A required field's value, or serde's "missing field" error, for generated `Deserialize` impls.
#[doc(hidden)]
#[inline]
pub fn required<T, E: serde::de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(field))
}

fn describe(body: &[u8], error: &super::reader::Error) -> Failure {
    Failure {
        path: path_at(body, error.offset()),
        message: error.message().to_owned(),
        offset: error.offset(),
    }
}

enum Frame {
    Object(Option<String>),
    Array(usize),
}

/// The path of the innermost value that is open at `offset`.
fn path_at(body: &[u8], offset: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < offset {
        match body[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expecting_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(_)) => expecting_key = true,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if expecting_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = &body[start..(i + 1).min(body.len())];
                        *key = Some(serde_json::from_slice(raw).unwrap_or_else(|_| {
                            // A key cut short by the end of the body: its text as it is.
                            let text = &raw[1..];
                            let text = text.strip_suffix(b"\"").unwrap_or(text);
                            String::from_utf8_lossy(text).into_owned()
                        }));
                    }
                    expecting_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is pinned: the envelope tables in `types.rs` were built with it.
    #[test]
    fn hashes_keys_as_the_generator_does() {
        let keys = [
            "",
            "a",
            "id",
            "obj",
            "object",
            "created",
            "livemode",
            "client_reference_id",
        ];
        let hashes: Vec<u64> = keys
            .iter()
            .map(|key| super::super::field_hash::key_hash(key.as_bytes(), 0x2545_F491_4F6C_DD1D))
            .collect();
        assert_eq!(
            hashes,
            [
                0,
                4368526576506062249,
                6499545054599545091,
                11173312094103256927,
                10981284141365651346,
                13763081234367077342,
                6308652068303758454,
                7666729924519966804,
            ]
        );
    }

    /// Keys are found in any order, and only the names are.
    #[test]
    fn fields_find_keys_in_any_order() {
        #[derive(Debug, PartialEq)]
        struct Found(Vec<usize>);
        impl<'de> serde::Deserialize<'de> for Found {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = Found;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Found, A::Error> {
                        // A table the generator built for these names.
                        let mut fields = Fields::new(
                            &["a", "bb", "id"],
                            &[0, 0, 3, 0, 1, 2, 0, 0],
                            5741395155545305595,
                        );
                        let mut found = Vec::new();
                        while let Some(position) = fields.next_field(&mut map)? {
                            found.push(position);
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        Ok(Found(found))
                    }
                }
                d.deserialize_map(V)
            }
        }
        let text = r#"{"id": 1, "x": 2, "a": 3, "bb": 4, "b": 5, "": 6, "a": 7}"#;
        let found: Found = super::super::reader::from_str(text).unwrap();
        assert_eq!(found, Found(vec![2, 0, 1, 0]));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        live: bool,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        has_more: bool,
    }

    fn failure<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (String, String) {
        let failure = parse::<T>(json.as_bytes()).unwrap_err();
        (failure.path, failure.message)
    }

    #[test]
    fn names_the_failing_value() {
        let json = r#"{"data": [{"id": "a", "live": true}, {"id": "b", "live": "yes"}], "has_more": false}"#;
        let (path, message) = failure::<Page>(json);
        assert_eq!(path, "data[1].live");
        assert!(
            message.starts_with("invalid type: string \"yes\""),
            "{message}"
        );
        assert!(!message.contains("line"), "{message}");
    }

    #[test]
    fn follows_nesting_across_lines_escapes_and_closed_values() {
        let json = "{\n  \"has_more\": false,\n  \"data\": [\n    {\"id\": \"x\\\"}{[,\", \"live\": true},\n    {\"id\": 7, \"live\": true}\n  ]\n}";
        assert_eq!(failure::<Page>(json).0, "data[1].id");
    }

    #[test]
    fn a_missing_field_names_its_object() {
        let (path, message) = failure::<Page>(r#"{"data": [{"id": "a"}], "has_more": true}"#);
        assert_eq!(path, "data[0]");
        assert_eq!(message, "missing field `live`");
    }

    /// A union as generated code reads one: its value's shape seen first, then read as its
    /// alternative (a `Page`).
    #[derive(Debug)]
    struct Union;

    impl super::super::peek::Peek for Union {
        const PEEK: &'static str = super::super::peek::PEEK_OBJECT;

        fn read<'de, D: serde::Deserializer<'de>>(
            _shape: super::super::peek::Shape<'_>,
            content: D,
        ) -> Result<Self, D::Error> {
            <Page as serde::Deserialize>::deserialize(content)?;
            Ok(Union)
        }
    }

    impl<'de> serde::Deserialize<'de> for Union {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::super::peek::deserialize_peeking(deserializer)
        }
    }

    /// Another deserializer buffers the union, and its error still names the path inside.
    #[test]
    fn a_union_read_by_serde_json_names_the_path_inside_it() {
        let error = serde_json::from_str::<Union>(r#"{"data": [], "has_more": "no"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("(at `has_more`)"), "{error}");
    }

    #[test]
    fn a_union_s_inner_path_joins_the_outer_one() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            data: Vec<Union>,
        }
        for (json, expected) in [
            // The union is the last item or member.
            (
                r#"{"data": [{"data": [], "has_more": "no"}]}"#,
                "data[0].has_more",
            ),
            (
                r#"{"data": [{"data": [], "has_more": "no"} ]}"#,
                "data[0].has_more",
            ),
            // A `,` follows the union.
            (
                r#"{"data": [{"data": [], "has_more": "no"}, {"data": [], "has_more": true}]}"#,
                "data[0].has_more",
            ),
            (
                r#"{"data": [{"data": [], "has_more": true}, {"data": [], "has_more": "no"}]}"#,
                "data[1].has_more",
            ),
        ] {
            let (path, message) = failure::<Outer>(json);
            assert_eq!(path, expected, "{json}");
            assert!(
                message.starts_with("invalid type: string \"no\""),
                "{message}"
            );
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Wrapper {
            outer: Outer,
            next: bool,
        }
        // A `,` follows the union's parent.
        let json = r#"{"outer": {"data": [{"data": [], "has_more": "no"}]}, "next": true}"#;
        let (path, message) = failure::<Wrapper>(json);
        assert_eq!(path, "outer.data[0].has_more");
        assert!(
            message.starts_with("invalid type: string \"no\""),
            "{message}"
        );
    }

    #[test]
    fn a_union_path_left_by_another_deserializer_is_not_reused() {
        // serde_json meets the union and never asks for the path inside it ...
        assert!(serde_json::from_str::<Union>(r#"{"data": [], "has_more": "no"}"#).is_err());
        // ... so the next failure is reported at its own path only.
        let (path, _) = failure::<Page>(r#"{"data": [], "has_more": 1}"#);
        assert_eq!(path, "has_more");
    }

    #[test]
    fn messages_are_reported_as_written() {
        #[derive(Debug)]
        struct Picky;
        impl<'de> serde::Deserialize<'de> for Picky {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                serde_json::Value::deserialize(deserializer)?;
                Err(D::Error::custom("not this (at `x`)"))
            }
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            picky: Picky,
        }
        let (path, message) = failure::<Outer>(r#"{"picky": 1}"#);
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("picky", "not this (at `x`)")
        );
    }

    /// A body that ends just after the `"` opening a key (found by the differential test).
    #[test]
    fn a_key_cut_at_its_quote_is_an_error() {
        let (path, message) = failure::<Page>(r#"{"has_more": true, ""#);
        assert_eq!(
            (path.as_str(), message.as_str()),
            (".", "EOF while parsing a string")
        );
    }

    #[test]
    fn errors_outside_any_value_name_the_document() {
        assert_eq!(failure::<Page>("[1, 2]").0, "[0]");
        assert_eq!(failure::<Page>("").0, ".");
        assert_eq!(
            failure::<Page>(r#"{"data": [], "has_more": true} x"#).0,
            "."
        );
    }
}
