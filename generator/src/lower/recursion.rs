//! Boxing: a struct field whose type contains the struct itself by value would give the struct
//! infinite size, so such fields are stored behind a `Box`. Runs on the finished IR.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// A type, by module and name.
type Key = (String, String);

/// Boxes struct fields whose type contains the struct itself by value.
pub(super) fn box_recursive_fields(api: &mut Api) {
    let mut contains: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
    for module in &api.modules {
        for def in &module.types {
            let mut targets = BTreeSet::new();
            if let TypeKind::Struct { fields, .. } = &def.kind {
                for field in fields {
                    by_value(&field.ty, &mut targets);
                }
            }
            if let TypeKind::Alias(ty) = &def.kind {
                by_value(ty, &mut targets);
            }
            contains.insert((module.name.clone(), def.name.clone()), targets);
        }
    }
    let reaches = |from: &Key, goal: &Key| {
        let mut stack = vec![from.clone()];
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if &node == goal {
                return true;
            }
            if seen.insert(node.clone()) {
                stack.extend(contains.get(&node).into_iter().flatten().cloned());
            }
        }
        false
    };
    for module in &mut api.modules {
        for def in &mut module.types {
            let owner = (module.name.clone(), def.name.clone());
            if let TypeKind::Struct { fields, .. } = &mut def.kind {
                for field in fields {
                    let mut targets = BTreeSet::new();
                    by_value(&field.ty, &mut targets);
                    field.boxed = targets.iter().any(|t| reaches(t, &owner));
                }
            }
        }
    }
}

/// Named types stored inline (not behind a `Vec`, map or `Box`) in a value of `ty`.
fn by_value(ty: &TypeRef, out: &mut BTreeSet<Key>) {
    match ty {
        TypeRef::Named { module, name } => {
            out.insert((module.clone(), name.clone()));
        }
        TypeRef::Emptyable(inner) => by_value(inner, out),
        _ => {}
    }
}
