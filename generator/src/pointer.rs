//! JSON pointers (RFC 6901) for naming places in a spec.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends one token to a pointer.
pub fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Resolves a `#/a/b` reference against a document.
pub fn resolve<'a>(doc: &'a serde_json::Value, reference: &str) -> Option<&'a serde_json::Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// The JSONPath (RFC 9535) that selects exactly the node a `#/a/b` pointer names, for the
/// `target` of an overlay action: `#/paths/~1v1~1x/get` -> `$.paths['/v1/x'].get`.
pub fn to_json_path(pointer: &str) -> String {
    let mut path = String::from("$");
    for token in pointer.trim_start_matches('#').split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let plain = token
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            path.push('.');
            path.push_str(&token);
        } else if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            path.push_str(&format!("[{token}]"));
        } else {
            let quoted = token.replace('\\', "\\\\").replace('\'', "\\'");
            path.push_str(&format!("['{quoted}']"));
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_select_the_pointed_node() {
        let doc = serde_json::json!({
            "paths": {"/v1/x/{id}": {"get": {"parameters": [{"name": "a"}, {"name": "it's"}]}}},
        });
        for pointer in [
            "#/paths/~1v1~1x~1{id}/get",
            "#/paths/~1v1~1x~1{id}/get/parameters/1/name",
            "#",
        ] {
            let path = serde_json_path::JsonPath::parse(&to_json_path(pointer)).unwrap();
            let found: Vec<String> = path
                .query_located(&doc)
                .locations()
                .map(|l| format!("#{}", l.to_json_pointer()))
                .collect();
            assert_eq!(found, [pointer.to_string()], "{}", to_json_path(pointer));
        }
        assert_eq!(
            to_json_path("#/paths/~1v1~1x~1{id}/get"),
            "$.paths['/v1/x/{id}'].get"
        );
    }
}
