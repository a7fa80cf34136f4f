//! Parsing a large YAML spec on several cores. YAML parsing is single-threaded and is the biggest
//! serial step of generation, but Stripe's spec is a block mapping whose sections (`components`,
//! `paths`, and the entries of each) start at fixed columns. Cut at such lines, each piece is a
//! YAML document of its own; the pieces are parsed side by side and their mappings joined in order.
//!
//! The cut is only ever an optimisation: whenever a piece fails to parse or the pieces don't join
//! up exactly (a duplicate key, a multi-line scalar or flow collection cut in two, an alias to an
//! anchor in another piece), the caller parses the whole text again, which also gives errors their
//! true line numbers.

use serde_json::{Map, Value};

/// Below this size the threads cost more than they save.
const MIN_PARALLEL_BYTES: usize = 512 * 1024;

/// One piece of the document: a slice of its text, plus the line that opens the section the
/// slice starts inside (`paths:`), when the slice starts at an entry of a section.
struct Piece<'t> {
    section: Option<&'t str>,
    text: &'t str,
}

/// The document parsed in `threads` pieces, or `None` when it can't be (or need not be) cut, or
/// when the pieces don't join up; then the whole text must be parsed instead.
pub(super) fn parse_in_pieces(text: &str, threads: usize) -> Option<Value> {
    if threads < 2 || text.len() < MIN_PARALLEL_BYTES {
        return None;
    }
    let pieces = cut(text, threads)?;
    let parsed: Vec<Option<Map<String, Value>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = pieces
            .iter()
            .map(|piece| scope.spawn(move || parse_piece(piece)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().ok().flatten())
            .collect()
    });
    let mut root = Map::new();
    for (piece, map) in pieces.iter().zip(parsed) {
        join(&mut root, map?, piece.section.is_some())?;
    }
    Some(Value::Object(root))
}

fn parse_piece(piece: &Piece) -> Option<Map<String, Value>> {
    let parsed = match piece.section {
        Some(header) => serde_yaml::from_str(&format!("{header}\n{}", piece.text)),
        None => serde_yaml::from_str(piece.text),
    };
    match parsed {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// Adds a piece's mapping to the document. When the piece continues a section, its first key is
/// that section, whose entries extend the ones already there. Any key seen twice fails the join.
fn join(root: &mut Map<String, Value>, map: Map<String, Value>, continues: bool) -> Option<()> {
    for (index, (key, value)) in map.into_iter().enumerate() {
        if index == 0 && continues {
            let (Some(Value::Object(entries)), Value::Object(more)) = (root.get_mut(&key), value)
            else {
                return None;
            };
            for (entry, value) in more {
                if entries.insert(entry, value).is_some() {
                    return None;
                }
            }
        } else if root.insert(key, value).is_some() {
            return None;
        }
    }
    Some(())
}

/// Cuts the document into `count` pieces of about equal size, at lines that start a top-level
/// key or an entry of a top-level section. `None` when the document doesn't have that shape.
fn cut(text: &str, count: usize) -> Option<Vec<Piece<'_>>> {
    // (offset of a line where a cut may go, the header of the section it is inside).
    let mut cuts: Vec<(usize, Option<&str>)> = Vec::new();
    let mut section: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if starts_key(content) {
            cuts.push((offset, None));
            // A section's entries can only be cut apart when its value is a block below the key.
            section = content.ends_with(':').then_some(content);
        } else if let Some(entry) = content.strip_prefix("  ") {
            if section.is_some() && starts_key(entry) {
                cuts.push((offset, section));
            }
        } else if content.starts_with('-') && !content.starts_with("---") {
            // A sequence at the left margin is the value of the key above it; before any key,
            // the document is a sequence.
            if cuts.is_empty() {
                return None;
            }
        } else if !(content.is_empty() || content.starts_with([' ', '#'])) {
            // Anything else at the left margin (a flow collection, a quoted or complex key, a
            // document marker): not the plain block mapping this cuts.
            return None;
        }
        offset += line.len();
    }
    if cuts.is_empty() {
        return None;
    }
    let mut pieces = Vec::with_capacity(count);
    let mut start = (0, None);
    for part in 1..count {
        let target = text.len() * part / count;
        let next = cuts[cuts
            .partition_point(|&(at, _)| at < target)
            .min(cuts.len() - 1)];
        if next.0 <= start.0 {
            continue;
        }
        pieces.push(Piece {
            section: start.1,
            text: &text[start.0..next.0],
        });
        start = next;
    }
    pieces.push(Piece {
        section: start.1,
        text: &text[start.0..],
    });
    (pieces.len() > 1).then_some(pieces)
}

/// Whether a line (at the indentation being looked at) starts a plain `key:` of a block mapping.
fn starts_key(line: &str) -> bool {
    let starts_plain = line
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '$');
    starts_plain && (line.ends_with(':') || line.contains(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    /// A document big enough to be cut, in the shape of Stripe's spec.
    fn spec_like(extra: &str) -> String {
        let mut text = String::from("# leading comment\ncomponents:\n  schemas:\n");
        for i in 0..1000 {
            text.push_str(&format!(
                "    thing_{i}:\n      description: >-\n        Thing number {i}, described\n        over two lines.\n      type: object\n"
            ));
        }
        text.push_str("info:\n  version: '1'\nopenapi: 3.0.0\npaths:\n");
        for i in 0..6000 {
            text.push_str(&format!(
                "  /v1/things/{i}:\n    get:\n      operationId: GetThing{i}\n      tags: [a, b]\n"
            ));
        }
        text.push_str(extra);
        text
    }

    #[test]
    fn pieces_join_to_the_whole_document_in_order() {
        let text = spec_like("security:\n  - basicAuth: []\n");
        for threads in 2..=5 {
            assert_eq!(cut(&text, threads).unwrap().len(), threads);
            let parsed = parse_in_pieces(&text, threads).unwrap();
            assert_eq!(parsed, whole(&text));
            // Order is kept, not just content.
            assert_eq!(
                serde_json::to_string(&parsed).unwrap(),
                serde_json::to_string(&whole(&text)).unwrap()
            );
        }
    }

    #[test]
    fn cuts_inside_sections_carry_the_section_header() {
        let text = spec_like("");
        let pieces = cut(&text, 2).unwrap();
        assert_eq!(pieces[1].section, Some("paths:"));
        assert!(pieces[1].text.starts_with("  /v1/things/"));
    }

    #[test]
    fn a_key_repeated_across_pieces_is_left_to_the_whole_parse() {
        let text = spec_like("components:\n  other: 1\n");
        assert_eq!(parse_in_pieces(&text, 2), None);
        let text = spec_like("paths:\n  /v1/things/0:\n    get: {}\n");
        assert_eq!(parse_in_pieces(&text, 3), None);
    }

    #[test]
    fn an_alias_to_another_piece_is_left_to_the_whole_parse() {
        let text = spec_like("").replacen("type: object", "type: &kind object", 1)
            + "x-last:\n  kind: *kind\n";
        assert_eq!(parse_in_pieces(&text, 2), None);
    }

    #[test]
    fn other_shapes_are_not_cut() {
        let big = "x".repeat(MIN_PARALLEL_BYTES);
        assert!(parse_in_pieces(&format!("{{\"a\": \"{big}\"}}"), 2).is_none());
        assert!(parse_in_pieces(&format!("- {big}\n- b\n"), 2).is_none());
        assert!(parse_in_pieces(&format!("---\na: {big}\nb: 1\n"), 2).is_none());
        assert!(
            parse_in_pieces("a: 1\nb: 2\n", 2).is_none(),
            "small documents"
        );
    }

    #[test]
    fn a_multi_line_scalar_cut_in_two_is_left_to_the_whole_parse() {
        // The middle of the document is inside a quoted scalar whose lines look like entries.
        let mut text = String::from("paths:\n  /v1/a:\n    description: \"start\n");
        for i in 0..40_000 {
            text.push_str(&format!("  /v1/fake_{i}: inside\n"));
        }
        text.push_str("  end\"\n  /v1/b:\n    get: {}\n");
        let whole: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(whole["paths"].as_object().unwrap().len(), 2);
        assert!(cut(&text, 2).is_some(), "the cut lands inside the scalar");
        assert_eq!(parse_in_pieces(&text, 2), None);
    }

    #[test]
    fn stripes_full_specs_parse_the_same_in_pieces() {
        for name in ["spec3-v524.yaml", "spec3-v450.yaml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../spec/full")
                .join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            let in_pieces = parse_in_pieces(&text, 2).expect("Stripe's spec can be cut");
            // Compared as text, so key order counts too.
            assert!(
                serde_json::to_string(&in_pieces).unwrap()
                    == serde_json::to_string(&whole(&text)).unwrap(),
                "{name} parsed in pieces differs from a plain parse"
            );
        }
    }
}
