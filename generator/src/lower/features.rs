//! Module features: every module with resources or calls gets a cargo feature, and each item is
//! compiled only with the features whose calls and types reach it, so a crate built with a few
//! module features compiles those modules and what they use, nothing more. Runs on the finished
//! IR and sets every `gate`.
//!
//! A feature's items are its module's types and calls and everything they name, transitively:
//! fields, alternatives, aliases, ID types, expandable objects, list items, a call's path IDs,
//! parameters and response. An item reached by every feature, or by a type no feature reaches
//! (a type of `shared` or `events` that no call uses), is always compiled. A union dispatched on
//! `object` that is always compiled (`events::EventObject`) keeps each alternative only with the
//! features that reach its type: an object whose type is compiled out is read as the catch-all.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::*;

/// A type, by module and name.
type Key = (String, String);

/// What one type names.
#[derive(Default)]
struct Edges {
    /// Types that must be compiled whenever this one is.
    strong: BTreeSet<usize>,
    /// The alternatives of a union dispatched on `object`, which can be left out.
    optional: BTreeSet<usize>,
}

/// Names the module features and sets the gate of every module, type, call and alternative.
/// `event_types` are the webhook event types, compiled whatever the module features.
pub(super) fn gate_items(api: &mut Api, event_types: &[Key]) {
    name_features(api);
    let all: BTreeSet<String> = api
        .modules
        .iter()
        .filter_map(|m| m.feature.clone())
        .collect();

    let keys: Vec<Key> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(|t| (m.name.clone(), t.name.clone())))
        .collect();
    // Only looked up, never iterated, so hashing leaves the output deterministic.
    let index: HashMap<&Key, usize> = keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let lookup = |refs: BTreeSet<Key>| -> BTreeSet<usize> {
        refs.iter()
            .filter_map(|key| index.get(key).copied())
            .collect()
    };
    let edges: Vec<Edges> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(move |def| (m, def)))
        .map(|(module, def)| type_edges(def, &module.name, &lookup))
        .collect();

    let event_nodes = lookup(event_types.iter().cloned().collect());
    // Per type, the features reaching it, by their position in `features`.
    let features: Vec<&String> = all.iter().collect();
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    for module in &api.modules {
        let Some(feature) = &module.feature else {
            continue;
        };
        let position = features.partition_point(|f| *f < feature);
        let mut roots: BTreeSet<Key> = module
            .types
            .iter()
            .map(|def| (module.name.clone(), def.name.clone()))
            .collect();
        for op in &module.operations {
            operation_refs(op, &module.name, &mut roots);
        }
        let roots = &lookup(roots) - &event_nodes;
        let closure = closure(keys.len(), roots, |node| {
            edges[node].strong.iter().chain(&edges[node].optional)
        });
        for node in (0..keys.len()).filter(|&node| closure[node]) {
            reached[node].push(position);
        }
    }
    // Modules come in name order, their features not quite (`blocking_api`).
    for positions in &mut reached {
        positions.sort_unstable();
    }
    let always = closure(keys.len(), event_nodes, |node| edges[node].strong.iter());
    let gates: Vec<Gate> = (0..keys.len())
        .map(|node| {
            if always[node] {
                Gate::Always
            } else if reached[node].is_empty() && !all.is_empty() {
                Gate::AnyOf(vec![ALL_MODULES_FEATURE.to_string()])
            } else if reached[node].len() == all.len() {
                Gate::Always
            } else {
                Gate::AnyOf(reached[node].iter().map(|&f| features[f].clone()).collect())
            }
        })
        .collect();

    let mut node = 0;
    for module in &mut api.modules {
        for def in &mut module.types {
            def.gate = gates[node].clone();
            node += 1;
            if let TypeKind::Union {
                variants,
                dispatch_on_object: true,
            } = &mut def.kind
            {
                for variant in variants {
                    variant.gate = lookup(named_refs(&variant.ty))
                        .into_iter()
                        .map(|target| &gates[target])
                        .find(|target| !target.covers(&def.gate))
                        .cloned()
                        .unwrap_or_default();
                }
            }
        }
        let operation_gate = match &module.feature {
            Some(feature) => gate_of(&BTreeSet::from([feature.clone()]), &all),
            None => Gate::Always,
        };
        for op in &mut module.operations {
            op.gate = operation_gate.clone();
        }
        let mut compiled_with = BTreeSet::new();
        let mut always_compiled = false;
        let item_gates = module
            .types
            .iter()
            .map(|def| &def.gate)
            .chain(module.operations.iter().map(|op| &op.gate));
        for gate in item_gates {
            match gate {
                Gate::Always => always_compiled = true,
                Gate::AnyOf(features) => compiled_with.extend(features.iter().cloned()),
            }
        }
        // `all-modules` turns on every module feature: beside one of them it adds nothing.
        if compiled_with.len() > 1 {
            compiled_with.remove(ALL_MODULES_FEATURE);
        }
        module.gate = if always_compiled {
            Gate::Always
        } else {
            gate_of(&compiled_with, &all)
        };
    }
    alias_long_gates(api);
}

/// Gates of more module features than this name an alias instead.
const MAX_SPELLED_OUT: usize = 2;

/// Replaces each gate naming more than [`MAX_SPELLED_OUT`] module features by an alias feature,
/// one per set, numbered in the order of the sets.
fn alias_long_gates(api: &mut Api) {
    let mut sets: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for_each_gate(api, &mut |gate| {
        if let Gate::AnyOf(features) = gate {
            if features.len() > MAX_SPELLED_OUT && !sets.contains_key(features) {
                sets.insert(features.clone(), String::new());
            }
        }
    });
    for (number, name) in sets.values_mut().enumerate() {
        *name = format!("_types-{}", number + 1);
    }
    for_each_gate(api, &mut |gate| {
        if let Gate::AnyOf(features) = gate {
            if let Some(alias) = sets
                .get(features)
                .filter(|_| features.len() > MAX_SPELLED_OUT)
            {
                *features = vec![alias.clone()];
            }
        }
    });
    api.feature_aliases = sets
        .into_iter()
        .map(|(enabled_by, name)| FeatureAlias { name, enabled_by })
        .collect();
}

fn for_each_gate(api: &mut Api, visit: &mut impl FnMut(&mut Gate)) {
    for module in &mut api.modules {
        visit(&mut module.gate);
        for op in &mut module.operations {
            visit(&mut op.gate);
        }
        for def in &mut module.types {
            visit(&mut def.gate);
            if let TypeKind::Union { variants, .. } = &mut def.kind {
                for variant in variants {
                    visit(&mut variant.gate);
                }
            }
        }
    }
}

/// Gives each module with resources or calls a feature: its name, unless a runtime feature (or
/// another module's feature) has it.
fn name_features(api: &mut Api) {
    let mut taken: BTreeSet<String> = crate::package::runtime_features()
        .chain([ALL_MODULES_FEATURE])
        .map(str::to_owned)
        .collect();
    for module in &mut api.modules {
        let owns_resources = module.types.iter().any(|def| {
            matches!(
                def.kind,
                TypeKind::Struct {
                    object: Some(ObjectImpl { deleted: false, .. }),
                    ..
                }
            )
        });
        if module.operations.is_empty() && !owns_resources {
            continue;
        }
        let mut feature = module.name.clone();
        while taken.contains(&feature) {
            feature.push_str("_api");
        }
        taken.insert(feature.clone());
        module.feature = Some(feature);
    }
}

/// The gate of an item the features `reached_by` reach, out of `all`.
fn gate_of(reached_by: &BTreeSet<String>, all: &BTreeSet<String>) -> Gate {
    if reached_by == all {
        Gate::Always
    } else {
        Gate::AnyOf(reached_by.iter().cloned().collect())
    }
}

/// Whether each of the `nodes` is reachable from `roots` (included).
fn closure<'e, I: Iterator<Item = &'e usize>>(
    nodes: usize,
    roots: BTreeSet<usize>,
    next: impl Fn(usize) -> I,
) -> Vec<bool> {
    let mut seen = vec![false; nodes];
    for &root in &roots {
        seen[root] = true;
    }
    let mut stack: Vec<usize> = roots.into_iter().collect();
    while let Some(node) = stack.pop() {
        for &target in next(node) {
            if !std::mem::replace(&mut seen[target], true) {
                stack.push(target);
            }
        }
    }
    seen
}

fn type_edges(
    def: &TypeDef,
    module: &str,
    lookup: &impl Fn(BTreeSet<Key>) -> BTreeSet<usize>,
) -> Edges {
    let mut strong = BTreeSet::new();
    let mut optional = BTreeSet::new();
    match &def.kind {
        TypeKind::Struct { fields, object } => {
            for field in fields {
                strong.extend(named_refs(&field.ty));
            }
            if let Some(object) = object {
                strong.insert((module.to_string(), object.id_type.clone()));
            }
        }
        TypeKind::Union {
            variants,
            dispatch_on_object,
        } => {
            let targets = if *dispatch_on_object {
                &mut optional
            } else {
                &mut strong
            };
            for variant in variants {
                targets.extend(named_refs(&variant.ty));
            }
        }
        TypeKind::Alias(ty) => strong.extend(named_refs(ty)),
        TypeKind::Enum { .. } | TypeKind::Id | TypeKind::TestHelpers => {}
    }
    Edges {
        strong: lookup(strong),
        optional: lookup(optional),
    }
}

/// The types a call names: its owner, path IDs, parameters, response and list items.
fn operation_refs(op: &Operation, module: &str, out: &mut BTreeSet<Key>) {
    let local = |name: &str| (module.to_string(), name.to_string());
    out.extend(
        op.owner
            .as_ref()
            .map(|owner| (owner.module.clone(), owner.name.clone())),
    );
    out.extend(op.params.as_deref().map(local));
    for param in &op.path_params {
        out.extend(named_refs(&param.ty));
    }
    out.extend(named_refs(&op.response));
    if let Some((_, item)) = &op.paginate {
        out.extend(named_refs(item));
    }
}

/// The generated types `ty` names.
fn named_refs(ty: &TypeRef) -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    collect_named(ty, &mut out);
    out
}

fn collect_named(ty: &TypeRef, out: &mut BTreeSet<Key>) {
    match ty {
        TypeRef::Named { module, name } => {
            out.insert((module.clone(), name.clone()));
        }
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Emptyable(inner)
        | TypeRef::Nullable(inner)
        | TypeRef::List(inner)
        | TypeRef::V2List(inner)
        | TypeRef::SearchList(inner) => collect_named(inner, out),
        TypeRef::Expandable {
            object,
            id,
            deleted,
        } => {
            collect_named(object, out);
            collect_named(id, out);
            if let Some(deleted) = deleted {
                collect_named(deleted, out);
            }
        }
        TypeRef::Deletable { live, deleted } => {
            collect_named(live, out);
            collect_named(deleted, out);
        }
        TypeRef::Event { event_type, object } => {
            collect_named(event_type, out);
            collect_named(object, out);
        }
        TypeRef::Bool
        | TypeRef::Int
        | TypeRef::Float
        | TypeRef::String
        | TypeRef::Timestamp
        | TypeRef::DateTime
        | TypeRef::FileUpload
        | TypeRef::Bytes
        | TypeRef::Decimal
        | TypeRef::Json
        | TypeRef::JsonObject
        | TypeRef::RangeQuery
        | TypeRef::RangeBounds => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many of the API's types a crate built with `features` alone compiles.
    fn compiled_types(api: &Api, features: &[&str]) -> usize {
        api.modules
            .iter()
            .flat_map(|m| &m.types)
            .filter(|def| api.compiles(&def.gate, features))
            .count()
    }

    #[test]
    fn identity_alone_compiles_a_small_part_of_the_whole_api() {
        let spec =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/full/spec3-v524.yaml");
        let loaded = crate::load::load(&spec, &[]).unwrap();
        let api = super::super::lower(&loaded).unwrap();
        let total: usize = api.modules.iter().map(|m| m.types.len()).sum();
        // The webhook event types, whatever the features.
        assert_eq!(compiled_types(&api, &[]), 3);
        let identity = compiled_types(&api, &["identity"]);
        assert!(
            identity * 20 < total,
            "identity compiles {identity} of {total} types"
        );
        assert_eq!(compiled_types(&api, &[ALL_MODULES_FEATURE]), total);
    }
}
