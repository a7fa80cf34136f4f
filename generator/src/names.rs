//! Turning spec names into Rust identifiers: case conversion, keywords, leading digits and
//! collisions.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords (strict and reserved, 2021 edition) that can't be field or function names. `self`,
/// `Self`, `super` and `crate` can't even be raw identifiers, so every keyword gets a `_` suffix
/// rather than an `r#` prefix, which also reads better at use sites.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A `snake_case` identifier for a field, function, module or parameter.
pub fn snake(name: &str) -> String {
    let mut ident = if is_plain_snake(name) {
        name.to_string()
    } else {
        ascii_only(name.to_snake_case())
    };
    if ident.is_empty() {
        ident = "empty".into();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// The crate root's names that a generated module must not take: the runtime's module, its
/// public modules (read from `templates/runtime/mod.rs`, so a new one is covered) and `lib`,
/// the crate root's own file.
fn reserved_module(name: &str) -> bool {
    const RUNTIME_MOD: &str = include_str!("../../templates/runtime/mod.rs");
    name == "runtime"
        || name == "lib"
        || RUNTIME_MOD.lines().any(|line| {
            line.strip_prefix("pub mod ")
                .and_then(|rest| rest.strip_suffix(';'))
                == Some(name)
        })
}

/// The module for a spec name (a namespace or a path segment): its `snake_case`, with `_api`
/// added when the crate root already has that name (`/v1/blocking/...` -> `blocking_api`).
pub fn module_name(name: &str) -> String {
    let mut module = snake(name);
    if reserved_module(&module) {
        module.push_str("_api");
    }
    module
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn pascal(name: &str) -> String {
    let mut ident = if is_plain_snake(name) {
        plain_snake_to_pascal(name)
    } else {
        ascii_only(name.to_upper_camel_case())
    };
    if ident.is_empty() {
        ident = "Empty".into();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'V');
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// Whether `name` is already `snake_case` in ASCII (`verification_session`, `3d_secure`), as
/// nearly every name in Stripe's spec is. Such names take a direct path: case conversion is a
/// good part of lowering's time, and for them heck's result is known (see the tests).
fn is_plain_snake(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('_')
        && !name.ends_with('_')
        && !name.contains("__")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `UpperCamelCase` of a plain `snake_case` name: each word capitalized, underscores dropped.
fn plain_snake_to_pascal(name: &str) -> String {
    let mut pascal = String::with_capacity(name.len());
    for word in name.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            pascal.push(first.to_ascii_uppercase());
            pascal.push_str(chars.as_str());
        }
    }
    pascal
}

/// Drops characters that would make `proc_macro2::Ident::new` panic (heck keeps non-ASCII letters
/// and symbols it does not split on).
fn ascii_only(mut ident: String) -> String {
    ident.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    ident
}

/// Hands out identifiers that are unique within one namespace (a module's types, a struct's
/// fields, an enum's variants): the second `foo_bar` after `foo.bar` becomes `foo_bar_2`.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Whether `ident` is still free.
    pub fn is_free(&self, ident: &str) -> bool {
        !self.taken.contains(ident)
    }

    /// `ident` if it is free, else `ident` numbered (`foo_bar_2`, `FooBar2`, `self_2`).
    pub fn claim(&mut self, ident: String) -> String {
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        let separator = if ident.contains(char::is_uppercase) || ident.ends_with('_') {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{ident}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

/// English plural of the last word of a `PascalCase` name, good enough for resource names.
pub fn plural(name: &str) -> String {
    if name.ends_with("ss")
        || name.ends_with('x')
        || name.ends_with("ch")
        || name.ends_with("sh")
        || name.ends_with('s')
    {
        format!("{name}es")
    } else if let Some(stem) = name.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{name}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{name}s")
    }
}

/// English singular of a plural word or name (`customers`, `LineItems`, `people`), the inverse
/// of [`plural`]; a word that is not plural comes back unchanged (`status`, `address`).
pub fn singular(name: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[("people", "person"), ("People", "Person")];
    for (plural, singular) in IRREGULAR {
        if let Some(stem) = name.strip_suffix(plural) {
            return format!("{stem}{singular}");
        }
    }
    // Words ending in `s` that are singular (or plural-looking nouns for one thing).
    const SINGULAR_IN_S: &[&str] = &[
        "ss", "us", "is", "ics", "ous", "Details", "details", "Settings", "settings", "Terms",
        "terms", "Totals", "totals", "Series", "series", "news", "News", "Alias", "alias",
        "Canvas", "canvas", "Gas", "gas", "Plus", "plus", "Bonus", "Options", "options",
    ];
    if SINGULAR_IN_S.iter().any(|end| name.ends_with(end)) {
        return name.to_string();
    }
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for ending in ["sses", "uses", "xes", "ches", "shes", "zzes"] {
        if let Some(stem) = name.strip_suffix(ending) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    match name.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_never_take_the_crate_roots_names() {
        for (name, module) in [
            ("blocking", "blocking_api"),
            ("webhook", "webhook_api"),
            ("runtime", "runtime_api"),
            ("lib", "lib_api"),
            ("webhook_endpoints", "webhook_endpoints"),
            ("billing", "billing"),
            ("type", "type_"),
        ] {
            assert_eq!(module_name(name), module, "{name}");
        }
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("3d_secure"), "_3d_secure");
        assert_eq!(snake("foo-bar.baz"), "foo_bar_baz");
        assert_eq!(snake("self"), "self_");
        assert_eq!(
            pascal("identity.verification_session"),
            "IdentityVerificationSession"
        );
        assert_eq!(pascal("3ds"), "V3ds");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("*"), "Empty");
        assert_eq!(snake("größe€"), "gre");
        assert_eq!(pascal("✓ok"), "Ok");
    }

    #[test]
    fn plain_snake_names_convert_as_heck_does() {
        for name in [
            "a",
            "id",
            "verification_session",
            "3d_secure",
            "three_d_secure_2",
            "v1",
            "line1_check",
            "x_9",
            "a1b2_c3",
            "ach_credit_transfer",
        ] {
            assert!(is_plain_snake(name), "{name}");
            assert_eq!(plain_snake_to_pascal(name), name.to_upper_camel_case());
            assert_eq!(name, name.to_snake_case());
        }
        for name in ["_a", "a_", "a__b", "Ab", "a.b", "a-b", "", "ä"] {
            assert!(!is_plain_snake(name), "{name}");
        }
    }

    #[test]
    fn collisions_get_numbered() {
        let mut names = Namespace::default();
        assert_eq!(names.claim("FooBar".into()), "FooBar");
        assert_eq!(names.claim("FooBar".into()), "FooBar2");
        let mut fields = Namespace::default();
        assert_eq!(fields.claim("foo_bar".into()), "foo_bar");
        assert_eq!(fields.claim("foo_bar".into()), "foo_bar_2");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("VerificationSession"), "VerificationSessions");
        assert_eq!(plural("Supply"), "Supplies");
        assert_eq!(plural("Key"), "Keys");
        assert_eq!(plural("Box"), "Boxes");
    }

    #[test]
    fn singulars_undo_plurals() {
        for word in [
            "customer",
            "VerificationSession",
            "Supply",
            "Key",
            "Box",
            "Address",
            "Batch",
            "LineItem",
            "tax_id",
        ] {
            assert_eq!(singular(&plural(word)), word, "{word}");
        }
        for word in [
            "status",
            "Address",
            "Details",
            "Analytics",
            "Settings",
            "bus",
        ] {
            assert_eq!(singular(word), word);
        }
        assert_eq!(singular("people"), "person");
        assert_eq!(singular("PaymentMethodTypes"), "PaymentMethodType");
    }
}
