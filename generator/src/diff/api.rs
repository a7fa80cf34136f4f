//! The public Rust API of a generated crate, item by item, and how it changed between two
//! specs: what a user's code names (modules' types, fields and their types, enum and union
//! variants, constructors, calls and their signatures), read from the IR both crates are
//! emitted from. Every removal, move or change is breaking; additions are not (enums and
//! response structs are `#[non_exhaustive]`, parameter structs are built with `new` or
//! `..Default::default()`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::*;

/// One change of the generated crate's public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ApiChange {
    /// The item's Rust path in the old crate (the new one for additions), below the crate root:
    /// `identity::VerificationSession`, `identity::VerificationSession.status` (a field),
    /// `identity::VerificationSessionStatus::Verified` (a variant), `identity::VerificationSession::cancel`.
    pub path: String,
    pub kind: ApiChangeKind,
    /// The item as it was (`None` when added).
    pub old: Option<String>,
    /// The item as it is (`None` when removed); for a move, the new path.
    pub new: Option<String>,
    /// What in the spec the item comes from (a schema name or `METHOD /path`), as the spec-level
    /// entries name it.
    pub origin: String,
    pub breaking: bool,
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiChangeKind {
    Added,
    Removed,
    /// The same type or call under the same name in another module.
    Moved,
    /// The same type, from the same schema, under another name.
    Renamed,
    Changed,
}

impl ApiChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Moved => "moved",
            Self::Renamed => "renamed",
            Self::Changed => "changed",
        }
    }
}

/// A public item: what a user relies on, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    signature: String,
    origin: String,
    /// The type or call this item belongs to (itself, for a type or call).
    parent: String,
}

/// Compares the public APIs of two crates.
pub fn compare(old: &Api, new: &Api) -> Vec<ApiChange> {
    let (old_items, new_items) = (public_items(old), public_items(new));
    let mut changes = Vec::new();
    let removed: Vec<&String> = old_items
        .keys()
        .filter(|p| !new_items.contains_key(*p))
        .collect();
    let added: BTreeSet<&String> = new_items
        .keys()
        .filter(|p| !old_items.contains_key(*p))
        .collect();
    // A type that disappears from one place and appears, the same, in another has moved (same
    // name) or been renamed (same schema): when exactly one candidate fits.
    let mut moved: BTreeMap<&str, &str> = BTreeMap::new();
    for path in &removed {
        let item = &old_items[*path];
        if item.parent != **path {
            continue;
        }
        let fits = |same: &dyn Fn(&str, &Item) -> bool| -> Option<&String> {
            let mut candidates = added.iter().filter(|candidate| {
                let other = &new_items[**candidate];
                other.parent == ***candidate
                    && other.signature == item.signature
                    && same(candidate, other)
            });
            match (candidates.next(), candidates.next()) {
                (Some(only), None) => Some(*only),
                _ => None,
            }
        };
        let target = fits(&|candidate, _| last_segment(candidate) == last_segment(path))
            .or_else(|| fits(&|_, other| other.origin == item.origin));
        if let Some(target) = target {
            moved.insert(path.as_str(), target.as_str());
        }
    }
    let moved_targets: BTreeSet<&str> = moved.values().copied().collect();
    // The members of a type or call that is added or removed as a whole are not listed apart.
    let whole = |item: &Item, path: &str, others: &BTreeMap<String, Item>| {
        item.parent == path || others.contains_key(&item.parent)
    };
    for path in removed {
        let item = &old_items[path];
        if !whole(item, path, &new_items) {
            continue;
        }
        if let Some(target) = moved.get(path.as_str()) {
            let kind = if last_segment(target) == last_segment(path) {
                ApiChangeKind::Moved
            } else {
                ApiChangeKind::Renamed
            };
            changes.push(ApiChange {
                path: path.clone(),
                kind,
                old: Some(item.signature.clone()),
                new: Some((*target).to_string()),
                origin: item.origin.clone(),
                breaking: true,
            });
        } else if !moved.contains_key(item.parent.as_str()) {
            changes.push(ApiChange {
                path: path.clone(),
                kind: ApiChangeKind::Removed,
                old: Some(item.signature.clone()),
                new: None,
                origin: item.origin.clone(),
                breaking: true,
            });
        }
    }
    for path in added {
        let item = &new_items[path];
        if moved_targets.contains(path.as_str())
            || moved_targets.contains(item.parent.as_str())
            || !whole(item, path, &old_items)
        {
            continue;
        }
        changes.push(ApiChange {
            path: path.clone(),
            kind: ApiChangeKind::Added,
            old: None,
            new: Some(item.signature.clone()),
            origin: item.origin.clone(),
            breaking: false,
        });
    }
    for (path, old_item) in &old_items {
        let Some(new_item) = new_items.get(path) else {
            continue;
        };
        if old_item.signature != new_item.signature {
            changes.push(ApiChange {
                path: path.clone(),
                kind: ApiChangeKind::Changed,
                old: Some(old_item.signature.clone()),
                new: Some(new_item.signature.clone()),
                origin: new_item.origin.clone(),
                breaking: true,
            });
        }
    }
    changes.sort();
    changes
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Every public item of a crate, by path.
fn public_items(api: &Api) -> BTreeMap<String, Item> {
    let mut items = BTreeMap::new();
    let mut add = |path: String, signature: String, origin: &str, parent: &str| {
        items.insert(
            path,
            Item {
                signature,
                origin: origin.to_string(),
                parent: parent.to_string(),
            },
        );
    };
    for module in &api.modules {
        for def in &module.types {
            let path = format!("{}::{}", module.name, def.name);
            add(path.clone(), kind_of(def), &def.origin, &path);
            match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    for field in fields {
                        let ty = field_type(field);
                        add(format!("{path}.{}", field.name), ty, &def.origin, &path);
                    }
                    if def.direction == Direction::Request {
                        let args: Vec<String> = fields
                            .iter()
                            .filter(|f| f.required)
                            .map(|f| format!("{}: {}", f.name, rust_type(&f.ty)))
                            .collect();
                        let new = format!("fn({})", args.join(", "));
                        add(format!("{path}::new"), new, &def.origin, &path);
                    }
                }
                TypeKind::Enum { variants } => {
                    for variant in variants {
                        let wire = format!("`{}`", variant.wire_name);
                        add(
                            format!("{path}::{}", variant.name),
                            wire,
                            &def.origin,
                            &path,
                        );
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for variant in variants {
                        let ty = format!("({})", rust_type(&variant.ty));
                        add(format!("{path}::{}", variant.name), ty, &def.origin, &path);
                    }
                }
                TypeKind::Id | TypeKind::Alias(_) | TypeKind::TestHelpers => {}
            }
        }
        for op in &module.operations {
            let owner = match &op.owner {
                Some(owner) => format!("{}::{}::", owner.module, owner.name),
                None => format!("{}::", module.name),
            };
            let path = format!("{owner}{}", op.fn_name);
            let mut args: Vec<String> = op
                .path_params
                .iter()
                .map(|p| format!("{}: &{}", p.name, rust_type(&p.ty)))
                .collect();
            if let Some(params) = &op.params {
                args.push(format!("params: &{}::{params}", module.name));
            }
            let args = args.join(", ");
            let signature = format!("fn({args}) -> {}", rust_type(&op.response));
            add(path.clone(), signature, &op.origin, &path);
            if let Some((name, item)) = &op.paginate {
                let path = format!("{owner}{name}");
                let signature = format!("fn({args}) -> ListStream<{}>", rust_type(item));
                add(path.clone(), signature, &op.origin, &path);
            }
        }
    }
    items
}

/// What a type is, as far as code naming it can tell.
fn kind_of(def: &TypeDef) -> String {
    let direction = match def.direction {
        Direction::Request => "parameter ",
        Direction::Response => "",
    };
    match &def.kind {
        TypeKind::Struct { .. } => format!("{direction}struct"),
        TypeKind::Enum { .. } => "enum".to_string(),
        TypeKind::Union { .. } => "union".to_string(),
        TypeKind::Id => "ID".to_string(),
        TypeKind::TestHelpers => "test helpers".to_string(),
        TypeKind::Alias(ty) => format!("type = {}", rust_type(ty)),
    }
}

/// A field's type as declared.
fn field_type(field: &Field) -> String {
    let mut ty = rust_type(&field.ty);
    if field.boxed {
        ty = format!("Box<{ty}>");
    }
    if !field.required {
        ty = format!("Option<{ty}>");
    }
    ty
}

/// A type as written from the crate root.
fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".into(),
        TypeRef::Int => "i64".into(),
        TypeRef::Float => "f64".into(),
        TypeRef::String => "String".into(),
        TypeRef::Timestamp => "Timestamp".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::FileUpload => "FileUpload".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Nullable(inner) => format!("Nullable<{}>", rust_type(inner)),
        TypeRef::V2List(item) => format!("V2List<{}>", rust_type(item)),
        TypeRef::SearchList(item) => format!("SearchList<{}>", rust_type(item)),
        TypeRef::Decimal => "Decimal".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Named { module, name } => format!("{module}::{name}"),
        TypeRef::Vec(item) => format!("Vec<{}>", rust_type(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", rust_type(value)),
        TypeRef::Expandable {
            object,
            deleted: Some(deleted),
            ..
        } => format!(
            "Expandable<Deletable<{}, {}>>",
            rust_type(object),
            rust_type(deleted)
        ),
        TypeRef::Expandable { object, .. } => format!("Expandable<{}>", rust_type(object)),
        TypeRef::Deletable { live, deleted } => {
            format!("Deletable<{}, {}>", rust_type(live), rust_type(deleted))
        }
        TypeRef::Emptyable(inner) => format!("Emptyable<{}>", rust_type(inner)),
        TypeRef::List(item) => format!("List<{}>", rust_type(item)),
        TypeRef::RangeQuery => "RangeQuery".into(),
        TypeRef::RangeBounds => "RangeBounds".into(),
        TypeRef::Event { event_type, object } => format!(
            "webhook::Event<{}, {}>",
            rust_type(event_type),
            rust_type(object)
        ),
    }
}
