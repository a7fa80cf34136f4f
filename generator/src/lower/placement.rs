//! Which module each component schema lives in, and its Rust name (plus the ID newtype of a
//! resource). Decided once, before any type is lowered, so every reference to a schema agrees.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Operation, ReferenceOr};
use serde_json::Value;

use super::Lowerer;
use crate::error::Result;
use crate::ir::TypeRef;
use crate::names::pascal;
use crate::pointer;
use crate::stripe::{
    id_always_present, is_resource, list_item_schema, schema_name, success_schema,
};

/// Module for component schemas used by several modules, or by none.
pub(super) const SHARED_MODULE: &str = "shared";
/// Names the runtime defines at the crate root; generated modules must not shadow them.
const RESERVED_MODULES: &[&str] = &["runtime", "webhook", "lib"];

/// Where a component schema ends up.
#[derive(Clone)]
pub(super) struct Placement {
    pub module: String,
    pub name: String,
    /// The ID newtype of a resource (or, for `deleted_x`, of `x`).
    pub id: Option<TypeRef>,
    /// Resources with their own ID implement `Object` (and can be `Expandable`).
    pub owns_id: bool,
    /// The `id` is required and not nullable: the resource implements `HasId`.
    pub id_always_present: bool,
}

impl<'a> Lowerer<'a> {
    /// Decides the module and Rust name of every component schema. A resource lives with the
    /// operations that return it; any other schema lives in the one module that uses it, or in
    /// `shared` when several (or none) do.
    pub(super) fn place_schemas(&mut self) -> Result<()> {
        let (home, users) = self.schema_modules();
        let mut ids: BTreeMap<String, TypeRef> = BTreeMap::new();
        let mut placed: Vec<(String, String, bool, bool)> = Vec::new();
        for (name, schema) in self.schemas() {
            let module = match (home.get(name), users.get(name)) {
                (Some(module), _) => module.clone(),
                (None, Some(modules)) if modules.len() == 1 => {
                    modules.iter().next().cloned().unwrap_or_default()
                }
                _ => SHARED_MODULE.to_string(),
            };
            let (is_resource, id_always_present) = match schema {
                ReferenceOr::Item(s) => (is_resource(s), id_always_present(s)),
                ReferenceOr::Reference { .. } => (false, false),
            };
            placed.push((name.clone(), module, is_resource, id_always_present));
        }
        for (name, module, is_resource, id_always_present) in placed {
            let builder = self.modules.entry(module.clone()).or_default();
            let local = name
                .strip_prefix(&format!("{module}."))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(&name);
            let rust_name = builder.names.claim(pascal(local));
            let owns_id = is_resource && !name.starts_with("deleted_");
            if owns_id {
                let id_name = builder.names.claim(format!("{rust_name}Id"));
                ids.insert(
                    name.clone(),
                    TypeRef::Named {
                        module: module.clone(),
                        name: id_name,
                    },
                );
            }
            self.placements.insert(
                name,
                Placement {
                    module,
                    name: rust_name,
                    id: None,
                    owns_id,
                    id_always_present,
                },
            );
        }
        for (name, placement) in self.placements.iter_mut() {
            let base = name.strip_prefix("deleted_").unwrap_or(name);
            placement.id = ids.get(base).cloned();
        }
        for reserved in RESERVED_MODULES {
            if self.modules.contains_key(*reserved) {
                return Err(self.err(
                    "#/paths",
                    format!("module name `{reserved}` is reserved for the runtime"),
                ));
            }
        }
        Ok(())
    }

    /// The home module of each resource returned by an operation (`deleted_x` with `x`), and for
    /// every other schema the modules whose operations reach it.
    fn schema_modules(&self) -> (BTreeMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
        let mut home: BTreeMap<String, String> = BTreeMap::new();
        let mut op_refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for raw in &self.raw_ops {
            if let Some(resource) = self.response_resource(raw.op) {
                home.entry(resource).or_insert_with(|| raw.module.clone());
            }
            let mut refs = BTreeSet::new();
            if let Some(op) = self.raw.pointer(raw.pointer.trim_start_matches('#')) {
                for part in ["/parameters", "/requestBody", "/responses/200"] {
                    if let Some(node) = op.pointer(part) {
                        collect_refs(node, &mut refs);
                    }
                }
            }
            op_refs.entry(raw.module.clone()).or_default().extend(refs);
        }
        let deleted: Vec<(String, String)> = self
            .schemas()
            .filter_map(|(name, _)| {
                let base = name.strip_prefix("deleted_")?;
                Some((name.clone(), home.get(base)?.clone()))
            })
            .collect();
        for (name, module) in deleted {
            home.entry(name).or_insert(module);
        }

        let schema_refs: BTreeMap<&str, BTreeSet<String>> = self
            .schemas()
            .map(|(name, _)| {
                let mut refs = BTreeSet::new();
                let at = format!("/components/schemas/{}", pointer::escape(name));
                if let Some(schema) = self.raw.pointer(&at) {
                    collect_refs(schema, &mut refs);
                }
                (name.as_str(), refs)
            })
            .collect();
        let mut users: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (module, roots) in &op_refs {
            let mut queue: Vec<&str> = roots.iter().map(String::as_str).collect();
            queue.extend(
                home.iter()
                    .filter(|(_, m)| *m == module)
                    .map(|(s, _)| s.as_str()),
            );
            let mut seen = BTreeSet::new();
            while let Some(schema) = queue.pop() {
                if !seen.insert(schema) {
                    continue;
                }
                match home.get(schema) {
                    Some(owner) if owner != module => continue,
                    Some(_) => {}
                    None => {
                        users.entry(schema).or_default().insert(module.as_str());
                    }
                }
                if let Some(refs) = schema_refs.get(schema) {
                    queue.extend(refs.iter().map(String::as_str));
                }
            }
        }
        let users = users
            .into_iter()
            .map(|(schema, modules)| {
                let modules = modules.into_iter().map(String::from).collect();
                (schema.to_string(), modules)
            })
            .collect();
        (home, users)
    }

    /// The component schema an operation returns, looking through list envelopes.
    pub(super) fn response_resource(&self, op: &'a Operation) -> Option<String> {
        let schema = success_schema(self.api, op)?;
        let reference = match schema {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(schema) => match list_item_schema(schema)? {
                ReferenceOr::Reference { reference } => reference.clone(),
                ReferenceOr::Item(_) => return None,
            },
        };
        let name = schema_name(&reference)?;
        let resolved = self.api.components.as_ref()?.schemas.get(name)?;
        matches!(resolved, ReferenceOr::Item(s) if is_resource(s)).then(|| name.to_string())
    }
}

/// The names of the component schemas referenced anywhere in a JSON node.
fn collect_refs(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(name) = schema_name(reference) {
                    refs.insert(name.to_string());
                }
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}
