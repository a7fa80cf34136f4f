//! Parsing JSON bodies into generated types, with errors that name the JSON path of the failure.
//!
//! The path is recovered from the byte offset the reader (`runtime/reader.rs`) reports, by
//! scanning the body once. That keeps the successful parse plain: a path-tracking deserializer
//! (such as `serde_path_to_error`) would be instantiated for every response type and made up a
//! fifth of the generated crate's compiled code.

use std::cell::RefCell;

use serde::de::DeserializeOwned;

/// A parse failure: the JSON path of the failing value (`data[3].status`, `.` for the whole
/// document) and serde_json's message without its position.
pub(crate) struct Failure {
    pub path: String,
    pub message: String,
}

/// Parses `body` as one JSON document.
///
/// The body is checked to be UTF-8 once, up front, and then parsed as text, so no string is
/// checked again on its own. On a body that is not UTF-8 the failure names the path of the first
/// bad byte.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    match std::str::from_utf8(body) {
        Ok(text) => parse_text(text),
        Err(error) => Err(Failure {
            path: path_at(body, error.valid_up_to()),
            message: "invalid UTF-8".to_owned(),
        }),
    }
}

/// Parses `text` as one JSON document through the runtime's reader, as `from_buffered` does
/// for unions' buffered alternatives: both share the compiled `Deserialize` of a type.
#[inline]
fn parse_text<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    forget_union_path();
    super::reader::read(text, |text, error| describe(text.as_bytes(), &error))
}

/// Parses one alternative of a union from the text of the JSON the union buffered, for
/// generated code. Parsing text (not the `Value`) names the path of a failure inside it, and
/// shares the reader with response parsing (the error is converted inside `reader::read`, so the
/// value is copied once); a union writes the text once, however many alternatives it tries.
#[doc(hidden)]
pub fn from_buffered<T: DeserializeOwned>(text: &str) -> Result<T, BufferedFailure> {
    forget_union_path();
    super::reader::read(text, |text, error| {
        BufferedFailure(describe(text.as_bytes(), &error))
    })
}

/// Why a union's alternative did not parse from its buffered text, for [`union_error`].
#[doc(hidden)]
pub struct BufferedFailure(Failure);

thread_local! {
    /// The failure [`union_error`] just raised, path inside the union and message apart, until
    /// the parse that met the union describes its error. serde's `Error::custom` takes only
    /// text, so the parts travel beside it rather than being parsed back out of it.
    static UNION_FAILURE: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// The deserializer's error for a union alternative that failed. Its text names the path inside
/// the union, for any deserializer (`serde_json::from_value` too); this crate's parse reports
/// the parts, kept beside it, as one path (see `describe`).
#[doc(hidden)]
pub fn union_error<E: serde::de::Error>(BufferedFailure(failure): BufferedFailure) -> E {
    let error = E::custom(format_args!("{} (at `{}`)", failure.message, failure.path));
    UNION_FAILURE.with(|slot| *slot.borrow_mut() = Some(failure));
    error
}

/// Drops a path left by a union parsed through another deserializer (`serde_json::from_str`),
/// which never asked for it.
fn forget_union_path() {
    UNION_FAILURE.with(|slot| slot.borrow_mut().take());
}

/// Finds the keys of a JSON object among a struct's field names, for generated `Deserialize`
/// impls: `next_field` gives the position of the next key that is one of them, and skips the
/// values of the others.
///
/// Stripe writes an object's keys in a stable order, mostly the order of the names here
/// (alphabetical), so the name after the last one found is tried first: one comparison for most
/// keys. Otherwise the names are scanned, comparing lengths before bytes. A key is matched on
/// the text the reader borrows from the body, never copied.
#[doc(hidden)]
pub struct Fields {
    names: &'static [&'static str],
    expected: usize,
}

impl Fields {
    #[inline]
    pub fn new(names: &'static [&'static str]) -> Self {
        Fields { names, expected: 0 }
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
            _ => self.search(key),
        }
    }

    /// Scans from the expected name on (a name Stripe left out of the object is skipped this
    /// way), then the names before it.
    fn search(&self, key: &[u8]) -> usize {
        let (before, after) = self.names.split_at(self.expected.min(self.names.len()));
        let found = |names: &[&str]| names.iter().position(|name| same(name.as_bytes(), key));
        match found(after) {
            Some(position) => before.len() + position,
            None => found(before).unwrap_or(usize::MAX),
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
    let at = path_at(body, error.offset());
    // A union (an event's `data.object`, say) parses its alternative from buffered JSON, and its
    // error's offset is the union's value: the path inside it comes from `union_error`.
    match UNION_FAILURE.with(|slot| slot.borrow_mut().take()) {
        Some(inner) => Failure {
            path: join_paths(&at, &inner.path),
            message: inner.message,
        },
        None => Failure {
            path: at,
            message: error.message().to_owned(),
        },
    }
}

/// `outer` followed by `inner`, where `.` is the path of the whole document.
fn join_paths(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (_, ".") => outer.to_owned(),
        (".", _) => inner.to_owned(),
        (_, _) if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
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
                            String::from_utf8_lossy(&raw[1..raw.len().saturating_sub(1)])
                                .into_owned()
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

    /// A union as generated code reads one: the JSON buffered, then parsed as its alternative
    /// (a `Page`).
    #[derive(Debug)]
    struct Union;

    impl<'de> serde::Deserialize<'de> for Union {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = serde_json::Value::deserialize(deserializer)?;
            from_buffered::<Page>(&value.to_string()).map_err(union_error::<D::Error>)?;
            Ok(Union)
        }
    }

    #[test]
    fn a_buffered_union_s_inner_path_joins_the_outer_one() {
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
        assert_eq!(join_paths(".", "a"), "a");
        assert_eq!(join_paths("a", "."), "a");
        assert_eq!(join_paths("a", "[2].b"), "a[2].b");
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
