//! Which module each component schema lives in, and its Rust name (plus the ID newtype of a
//! resource). Decided once, before any type is lowered, so every reference to a schema agrees.
//!
//! Both depend only on the schema's own name (and on the names of the resources it may belong
//! to), never on which operations or other schemas happen to reference it, nor on the order the
//! spec lists things in: a release that adds an endpoint, a resource or a field moves and renames
//! nothing that existed.
//!
//! - `x-stripegen-module` (set by a project overlay) wins.
//! - A namespaced schema `ns.name` lives in `ns` (`climate.order` -> `climate::Order`).
//! - `deleted_x` lives with `x`.
//! - A resource (`x-resourceId`) `x` lives in the plural of its name (`webhook_endpoint` ->
//!   `webhook_endpoints`).
//! - Any other schema lives with the resource or namespace its name starts with, the longest
//!   one (`payment_method_card` with `payment_method`, `issuing_card_shipping` with
//!   `issuing.card`, `climate_removals_price` with `climate`); failing that, in `shared`.
//!
//! A schema is named after its name without the module's namespace (`x-stripegen-name`, set by a
//! project overlay, overrides it). Should two schemas of one module get the same name, a name an
//! overlay set wins, then the schema whose spec name sorts first; the other is named after its
//! whole spec name.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};

use super::Lowerer;
use crate::error::Result;
use crate::ir::TypeRef;
use crate::names::{self, module_name, pascal, plural};
use crate::schema::alternatives;
use crate::stripe::{
    id_always_present, is_resource, list_item_schema, live_or_deleted, resource_id, schema_name,
    search_item_schema, split_namespace, success_schema, v2_list_item_schema,
};

/// Module for component schemas that belong to no resource or namespace.
pub(super) const SHARED_MODULE: &str = "shared";
/// A project overlay's choice of module for a schema.
const MODULE_EXTENSION: &str = "x-stripegen-module";
/// A project overlay's choice of Rust name for a schema.
const NAME_EXTENSION: &str = "x-stripegen-name";

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
    /// Decides the module and Rust name of every component schema (see the module docs).
    pub(super) fn place_schemas(&mut self) -> Result<()> {
        let schemas: BTreeMap<&'a str, &'a Schema> = self
            .schemas()
            .filter_map(|(name, schema)| Some((name.as_str(), schema.as_item()?)))
            .collect();
        let homes = Homes::new(&schemas);
        let mut ids: BTreeMap<&str, TypeRef> = BTreeMap::new();
        // Names set by an overlay first, then by spec name: a collision goes the same way
        // whatever the spec's order, and never against a name the project chose.
        let (named, unnamed): (Vec<_>, Vec<_>) = schemas
            .iter()
            .partition(|(_, schema)| extension(schema, NAME_EXTENSION).is_some());
        for (&name, &schema) in named.into_iter().chain(unnamed) {
            let module = homes.module_of(name, schema);
            let builder = self.modules.entry(module.clone()).or_default();
            let wanted = match extension(schema, NAME_EXTENSION) {
                Some(name) => pascal(name),
                None => pascal(&plain_schema_name(
                    split_namespace(name)
                        .filter(|(namespace, rest)| {
                            !rest.is_empty() && namespace_module(namespace) == module
                        })
                        .map_or(name, |(_, rest)| rest),
                )),
            };
            // On a clash: the whole spec name, then `…Resource` (the webhook `events::Event`
            // meets the `event` resource), numbers only as a last resort.
            let free = [wanted.clone(), pascal(name), format!("{wanted}Resource")]
                .into_iter()
                .find(|candidate| builder.names.is_free(candidate));
            let rust_name = builder.names.claim(free.unwrap_or(wanted));
            let owns_id = is_resource(schema) && !name.starts_with("deleted_");
            if owns_id {
                let id_name = builder.names.claim(format!("{rust_name}Id"));
                ids.insert(
                    name,
                    TypeRef::Named {
                        module: module.clone(),
                        name: id_name,
                    },
                );
            }
            self.placements.insert(
                name.to_string(),
                Placement {
                    module,
                    name: rust_name,
                    id: None,
                    owns_id,
                    id_always_present: id_always_present(schema),
                },
            );
        }
        for (name, placement) in self.placements.iter_mut() {
            let base = name.strip_prefix("deleted_").unwrap_or(name);
            placement.id = ids.get(base).cloned();
        }
        Ok(())
    }

    /// The resource (an `x-resourceId` schema, with or without an ID, or a union of them) an
    /// operation returns, looking through list and search envelopes and through
    /// `x | deleted_x` (a retrieve that may find the resource deleted).
    pub(super) fn response_resource(&self, op: &'a openapiv3::Operation) -> Option<String> {
        let schema = success_schema(self.api, op)?;
        let name = match schema {
            ReferenceOr::Reference { reference } => schema_name(reference)?,
            ReferenceOr::Item(schema) => match live_or_deleted(schema) {
                Some((live, _)) => live,
                None => match list_item_schema(schema)
                    .or(v2_list_item_schema(schema))
                    .or(search_item_schema(schema))?
                {
                    ReferenceOr::Reference { reference } => schema_name(reference)?,
                    ReferenceOr::Item(_) => return None,
                },
            },
        };
        let resolved = self.api.components.as_ref()?.schemas.get(name)?;
        // A union of resources (`external_account`: a bank account or a card) holds the calls
        // that answer with it, as a resource does.
        matches!(resolved, ReferenceOr::Item(s) if resource_id(s).is_some() || alternatives(s).is_some())
            .then(|| name.to_string())
    }
}

/// A schema's name without the words Stripe uses to group its schemas, which say nothing to a
/// user (`resource`, `api_resource`), and with a word said twice in a row said once
/// (`terminal_reader_reader_resource_cart` -> `terminal_reader_cart`; `invoices_invoice` counts
/// as a repeat): names stay short and read like Stripe's typed SDKs'.
fn plain_schema_name(name: &str) -> String {
    let all: Vec<&str> = name.split(['_', '.']).filter(|w| !w.is_empty()).collect();
    let mut words: Vec<&str> = Vec::new();
    for (index, &word) in all.iter().enumerate() {
        let api_resource = word == "api" && all.get(index + 1) == Some(&"resource");
        if word == "resource" || api_resource {
            continue;
        }
        match words.last() {
            Some(last) if names::singular(last) == names::singular(word) => {
                words.pop();
            }
            _ => {}
        }
        words.push(word);
    }
    // A run of several words said twice (`incremental_authorization_incremental_authorization`).
    let mut run = words.len() / 2;
    while run > 1 {
        if let Some(start) = (0..=words.len() - 2 * run)
            .find(|&start| words[start..start + run] == words[start + run..start + 2 * run])
        {
            words.drain(start..start + run);
            run = words.len() / 2;
        } else {
            run -= 1;
        }
    }
    if words.is_empty() {
        name.to_string()
    } else {
        words.join("_")
    }
}

/// The modules schemas can belong to, by the name prefix that leads there: each resource's name
/// (dots as underscores) and each namespace.
struct Homes<'s> {
    schemas: &'s BTreeMap<&'s str, &'s Schema>,
    prefixes: BTreeMap<String, String>,
}

impl<'s> Homes<'s> {
    fn new(schemas: &'s BTreeMap<&'s str, &'s Schema>) -> Self {
        let mut homes = Self {
            schemas,
            prefixes: BTreeMap::new(),
        };
        for (&name, &schema) in schemas {
            if let Some((namespace, _)) = split_namespace(name) {
                homes
                    .prefixes
                    .insert(namespace.replace('.', "_"), namespace_module(namespace));
            }
            if is_resource(schema) {
                let module = homes.module_of(name, schema);
                homes.prefixes.insert(name.replace('.', "_"), module);
            }
        }
        homes
    }

    /// The module of a schema: by overlay, namespace, deleted twin or resource name, else by the
    /// longest known prefix of its name.
    fn module_of(&self, name: &str, schema: &Schema) -> String {
        if let Some(module) = self.own_module(name, schema) {
            return module;
        }
        let mut best: Option<(&String, &String)> = None;
        for (prefix, module) in &self.prefixes {
            let matches = name
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('_'));
            if matches && best.is_none_or(|(longest, _)| prefix.len() > longest.len()) {
                best = Some((prefix, module));
            }
        }
        best.map_or_else(|| SHARED_MODULE.to_string(), |(_, module)| module.clone())
    }

    /// The module a schema names itself: by overlay, namespace, deleted twin or resource name.
    fn own_module(&self, name: &str, schema: &Schema) -> Option<String> {
        if let Some(module) = extension(schema, MODULE_EXTENSION) {
            return Some(module_name(module));
        }
        if let Some((namespace, _)) = split_namespace(name) {
            return Some(namespace_module(namespace));
        }
        if let Some(base) = name.strip_prefix("deleted_") {
            if let Some(base_schema) = self.schemas.get(base) {
                return Some(self.module_of(base, base_schema));
            }
        }
        is_resource(schema).then(|| module_name(&plural(name)))
    }
}

/// The module of a namespace: `climate` -> `climate`, `v2.core` -> `v2_core`.
pub(super) fn namespace_module(namespace: &str) -> String {
    module_name(&namespace.replace('.', "_"))
}

/// A string extension of a schema (`x-stripegen-name: VerificationReportDocument`).
fn extension<'s>(schema: &'s Schema, key: &str) -> Option<&'s str> {
    schema
        .schema_data
        .extensions
        .get(key)
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::plain_schema_name;

    #[test]
    fn schema_names_lose_grouping_words_and_repeats() {
        for (name, plain) in [
            ("terminal_reader_reader_resource_cart", "terminal_reader_cart"),
            (
                "payment_flows_private_payment_methods_card_details_api_resource_enterprise_features_incremental_authorization_incremental_authorization",
                "payment_flows_private_payment_methods_card_details_enterprise_features_incremental_authorization",
            ),
            ("invoices_resource_invoice_tax_id", "invoice_tax_id"),
            ("verification_session", "verification_session"),
            ("api_errors", "api_errors"),
            ("resource", "resource"),
        ] {
            assert_eq!(plain_schema_name(name), plain, "{name}");
        }
    }
}
