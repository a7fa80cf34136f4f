//! What JSON kinds each alternative of a union reads from (`UnionVariant::accepts`), so the
//! emitted union picks its alternative by looking at the value rather than trying them all on
//! buffered JSON. Runs on the finished IR, where every named type is known.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// A type, by module and name.
type Key = (String, String);

/// Fills in `accepts` of every union's alternatives.
pub(super) fn mark_accepted_kinds(api: &mut Api) {
    let kinds: BTreeMap<Key, &TypeKind> = api
        .modules
        .iter()
        .flat_map(|m| {
            m.types
                .iter()
                .map(|def| ((m.name.clone(), def.name.clone()), &def.kind))
        })
        .collect();
    let mut accepted: BTreeMap<Key, Vec<Vec<JsonKind>>> = BTreeMap::new();
    for (key, kind) in &kinds {
        if let TypeKind::Union { variants, .. } = kind {
            let of_variants = variants
                .iter()
                .map(|v| accepts(&v.ty, &kinds, &mut BTreeSet::from([key.clone()])))
                .collect();
            accepted.insert(key.clone(), of_variants);
        }
    }
    for module in &mut api.modules {
        for def in &mut module.types {
            if let TypeKind::Union { variants, .. } = &mut def.kind {
                let key = (module.name.clone(), def.name.clone());
                for (variant, kinds) in variants.iter_mut().zip(&accepted[&key]) {
                    variant.accepts = kinds.clone();
                }
            }
        }
    }
}

/// The kinds of JSON a value of `ty` is read from, sorted. `seen` holds the unions being
/// resolved: a union reached again through itself adds nothing new.
fn accepts(
    ty: &TypeRef,
    kinds: &BTreeMap<Key, &TypeKind>,
    seen: &mut BTreeSet<Key>,
) -> Vec<JsonKind> {
    use JsonKind::*;
    let mut out = match ty {
        TypeRef::Bool => vec![Bool],
        TypeRef::Int | TypeRef::Float | TypeRef::Timestamp => vec![Number],
        TypeRef::String
        | TypeRef::DateTime
        | TypeRef::Decimal
        | TypeRef::FileUpload
        | TypeRef::Bytes => vec![String],
        TypeRef::Json => JsonKind::ALL.to_vec(),
        TypeRef::Vec(_) => vec![Array],
        TypeRef::JsonObject
        | TypeRef::Map(_)
        | TypeRef::Deletable { .. }
        | TypeRef::List(_)
        | TypeRef::V2List(_)
        | TypeRef::SearchList(_)
        | TypeRef::RangeBounds
        | TypeRef::Event { .. } => vec![Object],
        TypeRef::Expandable { .. } => vec![String, Object],
        TypeRef::RangeQuery => vec![Number, Object],
        TypeRef::Emptyable(inner) => {
            let mut inner = accepts(inner, kinds, seen);
            inner.push(String);
            inner
        }
        TypeRef::Nullable(inner) => accepts(inner, kinds, seen),
        TypeRef::Named { module, name } => {
            let key = (module.clone(), name.clone());
            match kinds.get(&key) {
                Some(TypeKind::Struct { .. }) => vec![Object],
                Some(TypeKind::Enum { .. } | TypeKind::Id) => vec![String],
                Some(TypeKind::Alias(inner)) => accepts(inner, kinds, seen),
                Some(TypeKind::Union { variants, .. }) => {
                    if !seen.insert(key.clone()) {
                        return Vec::new();
                    }
                    let all = variants
                        .iter()
                        .flat_map(|v| accepts(&v.ty, kinds, seen))
                        .collect();
                    seen.remove(&key);
                    all
                }
                // A unit struct of calls is never a value; an unknown name cannot be told.
                Some(TypeKind::TestHelpers) | None => JsonKind::ALL.to_vec(),
            }
        }
    };
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> TypeRef {
        TypeRef::Named {
            module: "m".into(),
            name: name.into(),
        }
    }

    #[test]
    fn kinds_follow_types_through_names() {
        let object = TypeKind::Struct {
            fields: Vec::new(),
            object: None,
        };
        let status = TypeKind::Enum {
            variants: Vec::new(),
        };
        let inner = TypeKind::Union {
            variants: vec![UnionVariant {
                name: "Status".into(),
                ty: named("Status"),
                object: None,
                gate: Gate::Always,
                accepts: Vec::new(),
            }],
            dispatch_on_object: false,
        };
        let kinds: BTreeMap<Key, &TypeKind> = [
            (("m".to_string(), "Thing".to_string()), &object),
            (("m".to_string(), "Status".to_string()), &status),
            (("m".to_string(), "Inner".to_string()), &inner),
        ]
        .into_iter()
        .collect();
        let of = |ty: &TypeRef| accepts(ty, &kinds, &mut BTreeSet::new());
        assert_eq!(of(&named("Thing")), [JsonKind::Object]);
        assert_eq!(of(&named("Inner")), [JsonKind::String]);
        assert_eq!(
            of(&TypeRef::Expandable {
                object: Box::new(named("Thing")),
                id: Box::new(TypeRef::String),
                deleted: None
            }),
            [JsonKind::String, JsonKind::Object]
        );
        assert_eq!(of(&TypeRef::Vec(Box::new(TypeRef::Int))), [JsonKind::Array]);
        assert_eq!(of(&TypeRef::Json), JsonKind::ALL);
        assert_eq!(of(&named("Missing")), JsonKind::ALL);
    }
}
