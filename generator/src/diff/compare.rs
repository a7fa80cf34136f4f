//! Comparing what `collect.rs` gathered from two specs: every difference becomes a [`Change`],
//! marked breaking by the rules in the module docs of [`super`].

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use super::collect::{fields, operations, schema_resource, Location, Member, OperationInfo};
use super::describe::describe_component;
use super::render::code;
use super::{Change, ChangeKind};
use crate::stripe::module_for_path;

pub(super) fn diff_paths(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
    let (old_ops, old_unresolved) = operations(old);
    let (new_ops, new_unresolved) = operations(new);
    let paths: BTreeSet<&String> = old_unresolved
        .keys()
        .chain(new_unresolved.keys())
        .copied()
        .collect();
    for path in paths {
        let (a, b) = (old_unresolved.get(path), new_unresolved.get(path));
        if a != b {
            let describe = |r: Option<&&String>| r.map_or_else(|| "none".to_string(), |r| code(r));
            out.push(Change {
                resource: module_for_path(path),
                subject: path.clone(),
                member: None,
                kind: ChangeKind::Other,
                detail: format!(
                    "path item `$ref` that resolves to no path item, not compared: {} → {}",
                    describe(a),
                    describe(b)
                ),
                breaking: false,
            });
        }
    }
    for (key, op) in &old_ops {
        if !new_ops.contains_key(key) {
            out.push(operation_change(
                key,
                ChangeKind::OperationRemoved,
                op,
                true,
            ));
        }
    }
    for (key, new_op) in &new_ops {
        let Some(old_op) = old_ops.get(key) else {
            out.push(operation_change(
                key,
                ChangeKind::OperationAdded,
                new_op,
                false,
            ));
            continue;
        };
        let subject = subject_of(key);
        let resource = module_for_path(&key.1);
        let mut push = |kind, member: Option<&str>, detail: String, breaking| {
            out.push(Change {
                resource: resource.clone(),
                subject: subject.clone(),
                member: member.map(String::from),
                kind,
                detail,
                breaking,
            })
        };
        diff_members(&old_op.members, &new_op.members, Role::Request, &mut push);
        match (&old_op.response, &new_op.response) {
            (Some(a), Some(b)) if a.shape != b.shape => push(
                ChangeKind::ResponseTypeChanged,
                None,
                type_change(&a.shape, &b.shape),
                true,
            ),
            (Some(a), None) => push(
                ChangeKind::ResponseTypeChanged,
                None,
                format!("{} → none", code(&a.shape)),
                true,
            ),
            (None, Some(b)) => push(
                ChangeKind::ResponseTypeChanged,
                None,
                format!("none → {}", code(&b.shape)),
                true,
            ),
            _ => {}
        }
        diff_members(
            &old_op.response_members,
            &new_op.response_members,
            Role::Response,
            &mut push,
        );
    }
}

fn operation_change(
    key: &(String, String),
    kind: ChangeKind,
    op: &OperationInfo,
    breaking: bool,
) -> Change {
    Change {
        resource: module_for_path(&key.1),
        subject: subject_of(key),
        member: None,
        kind,
        detail: if op.operation_id.is_empty() {
            String::new()
        } else {
            code(&op.operation_id)
        },
        breaking,
    }
}

fn subject_of((method, path): &(String, String)) -> String {
    format!("{method} {path}")
}

pub(super) fn diff_schemas(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
    let empty = IndexMap::new();
    let old_schemas = old.components.as_ref().map_or(&empty, |c| &c.schemas);
    let new_schemas = new.components.as_ref().map_or(&empty, |c| &c.schemas);
    let sorted = |schemas: &IndexMap<String, ReferenceOr<Schema>>| -> Vec<String> {
        let mut names: Vec<String> = schemas.keys().cloned().collect();
        names.sort();
        names
    };
    for name in sorted(old_schemas) {
        if !new_schemas.contains_key(&name) {
            let schema = &old_schemas[&name];
            out.push(Change {
                resource: schema_resource(&name, schema),
                subject: name.clone(),
                member: None,
                kind: ChangeKind::SchemaRemoved,
                detail: format!("was {}", code(&describe_component(schema).shape)),
                breaking: true,
            });
        }
    }
    for name in sorted(new_schemas) {
        let new_schema = &new_schemas[&name];
        let resource = schema_resource(&name, new_schema);
        let Some(old_schema) = old_schemas.get(&name) else {
            out.push(Change {
                resource,
                subject: name.clone(),
                member: None,
                kind: ChangeKind::SchemaAdded,
                detail: code(&describe_component(new_schema).shape),
                breaking: false,
            });
            continue;
        };
        let mut push = |kind, member: Option<&str>, detail: String, breaking| {
            out.push(Change {
                resource: resource.clone(),
                subject: name.clone(),
                member: member.map(String::from),
                kind,
                detail,
                breaking,
            })
        };
        let (a, b) = (
            describe_component(old_schema),
            describe_component(new_schema),
        );
        if a.shape != b.shape {
            push(
                ChangeKind::SchemaTypeChanged,
                None,
                type_change(&a.shape, &b.shape),
                true,
            );
        }
        if let (Some(old_values), Some(new_values)) = (&a.enum_values, &b.enum_values) {
            let (added, removed) = set_changes(old_values, new_values);
            if !added.is_empty() {
                push(ChangeKind::SchemaEnumValuesAdded, None, added, false);
            }
            if !removed.is_empty() {
                push(ChangeKind::SchemaEnumValuesRemoved, None, removed, true);
            }
        }
        if let (ReferenceOr::Item(a), ReferenceOr::Item(b)) = (old_schema, new_schema) {
            diff_members(&fields(a), &fields(b), Role::Response, &mut push);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Request,
    Response,
}
/// Compares two sets of members, calling `push(kind, member, detail, breaking)` for each change.
fn diff_members(
    old: &BTreeMap<String, Member>,
    new: &BTreeMap<String, Member>,
    role: Role,
    push: &mut impl FnMut(ChangeKind, Option<&str>, String, bool),
) {
    let kinds = match role {
        Role::Request => [
            ChangeKind::ParameterAdded,
            ChangeKind::ParameterRemoved,
            ChangeKind::ParameterTypeChanged,
            ChangeKind::ParameterRequiredChanged,
            ChangeKind::ParameterNullableChanged,
            ChangeKind::ParameterEnumValuesAdded,
            ChangeKind::ParameterEnumValuesRemoved,
        ],
        Role::Response => [
            ChangeKind::FieldAdded,
            ChangeKind::FieldRemoved,
            ChangeKind::FieldTypeChanged,
            ChangeKind::FieldRequiredChanged,
            ChangeKind::FieldNullableChanged,
            ChangeKind::FieldEnumValuesAdded,
            ChangeKind::FieldEnumValuesRemoved,
        ],
    };
    let [added, removed, type_changed, required_changed, nullable_changed, values_added, values_removed] =
        kinds;
    // The generator ignores header and cookie parameters: no change to them breaks the crate.
    let matters = |member: &Member| !matches!(member.location, Location::Header | Location::Cookie);
    // A member nested in an added or removed one is covered by its parent's entry.
    let parent_in = |member: &Member, other: &BTreeMap<String, Member>| {
        member.parent.as_ref().is_none_or(|p| other.contains_key(p))
    };
    for (name, member) in old {
        if !new.contains_key(name) && parent_in(member, new) {
            push(
                removed,
                Some(name),
                format!("was {}", member.describe()),
                matters(member),
            );
        }
    }
    for (name, b) in new {
        let Some(a) = old.get(name) else {
            if parent_in(b, old) {
                let breaking = role == Role::Request && !b.rust_optional() && matters(b);
                push(added, Some(name), b.describe(), breaking);
            }
            continue;
        };
        let matters = matters(b);
        if a.desc.shape != b.desc.shape {
            let detail = type_change(&a.desc.shape, &b.desc.shape);
            push(type_changed, Some(name), detail, matters);
        }
        let flips = a.rust_optional() != b.rust_optional() && matters;
        let effect = match (a.rust_optional(), b.rust_optional()) {
            _ if !matters => "not generated",
            (false, true) => "`T` → `Option<T>`",
            (true, false) => "`Option<T>` → `T`",
            (true, true) => "stays `Option<T>`",
            (false, false) => "stays `T`",
        };
        if a.required != b.required {
            let detail = if b.required {
                format!("optional → required; {effect}")
            } else {
                format!("required → optional; {effect}")
            };
            push(required_changed, Some(name), detail, flips);
        }
        if a.desc.nullable != b.desc.nullable {
            let detail = if b.desc.nullable {
                format!("now nullable; {effect}")
            } else {
                format!("no longer nullable; {effect}")
            };
            push(nullable_changed, Some(name), detail, flips);
        }
        if let (Some(old_values), Some(new_values)) = (&a.desc.enum_values, &b.desc.enum_values) {
            let (added_values, removed_values) = set_changes(old_values, new_values);
            if !added_values.is_empty() {
                push(values_added, Some(name), added_values, false);
            }
            if !removed_values.is_empty() {
                push(values_removed, Some(name), removed_values, matters);
            }
        }
    }
}

/// `` `old` → `new` ``, or for two unions of the same kind only the alternatives that differ
/// (`` `expandable<…>` gains `x`, loses `y` ``).
fn type_change(old: &str, new: &str) -> String {
    if let (Some((kind, a)), Some((other_kind, b))) = (split_union(old), split_union(new)) {
        let (mut sorted_a, mut sorted_b) = (a.clone(), b.clone());
        sorted_a.sort();
        sorted_b.sort();
        let a: BTreeSet<String> = a.into_iter().collect();
        let b: BTreeSet<String> = b.into_iter().collect();
        let (gains, loses) = set_changes(&a, &b);
        let union = code(&format!("{kind}<…>"));
        if kind == other_kind {
            match (gains.is_empty(), loses.is_empty()) {
                (false, false) => return format!("{union} gains {gains}, loses {loses}"),
                (false, true) => return format!("{union} gains {gains}"),
                (true, false) => return format!("{union} loses {loses}"),
                (true, true) if sorted_a == sorted_b => {
                    return format!("{union}: alternatives reordered")
                }
                (true, true) => {}
            }
        }
    }
    format!("{} → {}", code(old), code(new))
}

/// `anyOf<A | B<C | D>>` -> `("anyOf", ["A", "B<C | D>"])`, for the union shapes.
fn split_union(shape: &str) -> Option<(&str, Vec<String>)> {
    let (kind, rest) = shape.split_once('<')?;
    if !matches!(kind, "anyOf" | "oneOf" | "expandable") {
        return None;
    }
    let inner = rest.strip_suffix('>')?;
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ' ' if depth == 0 && inner_sep(&mut chars) => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    Some((kind, parts))
}

/// After a space: consumes `| ` when it follows, which makes the space a separator.
fn inner_sep(chars: &mut std::iter::Peekable<std::str::Chars>) -> bool {
    let mut ahead = chars.clone();
    if ahead.next() == Some('|') && ahead.next() == Some(' ') {
        chars.next();
        chars.next();
        true
    } else {
        false
    }
}

/// The values only in `new` and only in `old`, each as a list of code spans (empty if none).
fn set_changes(old: &BTreeSet<String>, new: &BTreeSet<String>) -> (String, String) {
    let list = |values: Vec<&String>| {
        values
            .into_iter()
            .map(|v| code(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    (
        list(new.difference(old).collect()),
        list(old.difference(new).collect()),
    )
}
