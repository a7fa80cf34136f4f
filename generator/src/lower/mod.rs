//! Stage 2: OpenAPI -> IR. Every decision about the Rust that a spec becomes is made here:
//! which module a schema lives in, what each type, field, variant and call is named, which
//! request parameters take a response field's type (by position, never by content), and what
//! each of Stripe's conventions (recognised in `stripe.rs`) turns into. Emission (`emit/`) only spells out what the IR says.
//!
//! The driver below runs the steps in order; each file owns one concern:
//! `placement` (modules and names of component schemas), `schemas` (schema -> type),
//! `alternatives` (`anyOf`/`oneOf`: expandable, emptyable, range query, unions), `inline`
//! (naming inline types), `sharing` (request parameters that take a response field's enum or
//! ID type), `paths` (which operations there are, checked),
//! `operations` (operations -> calls: names, parameters, responses),
//! `events` (webhook event types), `recursion` (boxing recursive fields), `features` (the
//! module features and what each item is compiled with).

mod alternatives;
mod events;
mod features;
mod inline;
mod kinds;
mod operations;
mod paths;
mod placement;
mod recursion;
mod schemas;
mod sharing;
mod v2_errors;

use std::collections::BTreeMap;
use std::path::Path;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema};

use crate::error::{Error, Result};
use crate::ir::*;
use crate::load::Loaded;
use crate::names::{pascal, Namespace};
use crate::pointer;
use crate::stripe::{is_v2_error, schema_name};

use events::Events;
use paths::RawOperation;
use placement::Placement;

/// Lowers a loaded spec to the IR of the crate generated from it.
pub fn lower(loaded: &Loaded) -> Result<Api> {
    let mut lowerer = Lowerer::new(&loaded.api, &loaded.file)?;
    lowerer.lower_components()?;
    lowerer.lower_events();
    let v2_error_code = lowerer.lower_v2_errors();
    lowerer.lower_operations()?;
    lowerer.add_enum_extras();
    // Types compiled whatever the module features: what a webhook handler and an error handler
    // use.
    let always_compiled: Vec<(String, String)> = lowerer
        .events
        .as_ref()
        .map(Events::type_keys)
        .unwrap_or_default()
        .into_iter()
        .chain(v2_error_code)
        .collect();
    let mut api = Api {
        version: loaded.api.info.version.clone(),
        modules: lowerer
            .modules
            .into_iter()
            .filter(|(_, m)| !m.types.is_empty() || !m.operations.is_empty())
            .map(|(name, m)| Module {
                name,
                feature: None,
                gate: Gate::Always,
                types: m.types,
                operations: m.operations,
            })
            .collect(),
        feature_aliases: Vec::new(),
    };
    recursion::box_recursive_fields(&mut api);
    kinds::mark_accepted_kinds(&mut api);
    features::gate_items(&mut api, &always_compiled);
    Ok(api)
}

/// The state of one lowering: what has been placed, named and defined so far.
struct Lowerer<'a> {
    api: &'a OpenAPI,
    file: &'a Path,
    raw_ops: Vec<RawOperation<'a>>,
    placements: BTreeMap<String, Placement>,
    modules: BTreeMap<String, ModuleBuilder>,
    /// Per owner type: the function names taken by its calls.
    fn_names: BTreeMap<String, Namespace>,
    /// The method and number of path parameters of every named call, by owner key and name.
    call_shapes: BTreeMap<(String, String), (Method, usize)>,
    /// The test-helpers types defined so far, by module and resource name.
    test_helper_types: BTreeMap<(String, String), String>,
    /// Stripe's event types, when the spec lists them, with the names reserved for them.
    events: Option<Events>,
    /// The enums defined for response fields, by the JSON pointer of their schema, so request
    /// parameters in the same position can use them.
    response_enums: BTreeMap<String, TypeRef>,
    /// Values request parameters send that the response enum they share does not list.
    enum_extras: BTreeMap<TypeRef, Vec<String>>,
}

/// One module of the output, as it is being filled.
#[derive(Default)]
struct ModuleBuilder {
    names: Namespace,
    types: Vec<TypeDef>,
    operations: Vec<Operation>,
}

/// Where in the spec a schema is being lowered, and what its inline types are named after.
#[derive(Clone)]
struct Ctx<'c> {
    module: &'c str,
    /// Name prefix for inline types defined at this position.
    hint: String,
    direction: Direction,
    pointer: String,
    /// For a request parameter: where the same value sits in the response (see `sharing.rs`).
    position: Option<Position>,
    /// What the types defined here come from (see `TypeDef::origin`).
    origin: &'c str,
    /// Inside a JSON request body, where `null` is a value a field can be sent (to clear it).
    json_request: bool,
}

/// A request parameter's place: the resource its call belongs to, and the property names from
/// the parameter struct down (`options`, `document`, `allowed_types`).
#[derive(Clone)]
struct Position {
    owner: String,
    path: Vec<String>,
}

impl<'c> Ctx<'c> {
    /// The context of a part of this schema that is not a property (array items):
    /// `pointer_token` extends its location.
    fn child(&self, pointer_token: &str) -> Ctx<'c> {
        Ctx {
            pointer: pointer::push(&self.pointer, pointer_token),
            ..self.clone()
        }
    }

    /// The context of a part with no counterpart in a response (map values, list items).
    fn detached(&self, pointer_token: &str) -> Ctx<'c> {
        Ctx {
            position: None,
            ..self.child(pointer_token)
        }
    }

    /// The context of property `wire_name`: its inline types are named after this one's plus
    /// the property (`VerificationSession` + `status`), without repeating a word the name
    /// already ends with (`CreateRequest` + `request` is `CreateRequestDetails`; `BankAccount` +
    /// `account_holder_type` is `BankAccountHolderType`).
    fn property(&self, wire_name: &str) -> Ctx<'c> {
        let suffix = pascal(wire_name);
        let hint = if !self.hint.is_empty() && self.hint.ends_with(&suffix) {
            format!("{}Details", self.hint)
        } else {
            join_without_repeat(&self.hint, &suffix)
        };
        let position = self.position.clone().map(|mut position| {
            position.path.push(wire_name.to_string());
            position
        });
        Ctx {
            module: self.module,
            hint,
            direction: self.direction,
            pointer: pointer::push(&pointer::push(&self.pointer, "properties"), wire_name),
            position,
            origin: self.origin,
            json_request: self.json_request,
        }
    }
}

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI, file: &'a Path) -> Result<Self> {
        let mut lowerer = Self {
            api,
            file,
            raw_ops: Vec::new(),
            placements: BTreeMap::new(),
            modules: BTreeMap::new(),
            fn_names: BTreeMap::new(),
            test_helper_types: BTreeMap::new(),
            call_shapes: BTreeMap::new(),
            events: None,
            response_enums: BTreeMap::new(),
            enum_extras: BTreeMap::new(),
        };
        lowerer.collect_operations()?;
        lowerer.reserve_event_names();
        lowerer.place_schemas()?;
        Ok(lowerer)
    }

    fn err(&self, pointer: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Spec {
            file: self.file.to_path_buf(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// The component schema a `$ref` names, with its name.
    fn component(&self, reference: &str, at: &str) -> Result<(&'a str, &'a Schema)> {
        let name = schema_name(reference)
            .ok_or_else(|| self.err(at, format!("`{reference}` is not a component schema")))?;
        let components = self.api.components.as_ref();
        match components.and_then(|c| c.schemas.get_key_value(name)) {
            Some((name, ReferenceOr::Item(schema))) => Ok((name.as_str(), schema)),
            Some((_, ReferenceOr::Reference { .. })) => Err(self.err(
                at,
                format!("component `{name}` is itself a `$ref`: not supported"),
            )),
            None => Err(self.err(at, format!("reference `{reference}` resolves to nothing"))),
        }
    }

    fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.api.components.iter().flat_map(|c| c.schemas.iter())
    }

    /// The component schemas that become types of their own: all but the v2 error schemas,
    /// which become `v2::ErrorCode` (see `v2_errors.rs`).
    fn type_schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.schemas().filter(|(name, _)| !is_v2_error(name))
    }

    /// A parameter, inline or given by `$ref` to `#/components/parameters/`.
    fn parameter(&self, p: &'a ReferenceOr<Parameter>, at: &str) -> Result<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                self.referenced(reference, "parameters", |c| &c.parameters, at)
            }
        }
    }

    /// A request body, inline or given by `$ref` to `#/components/requestBodies/`.
    fn request_body(
        &self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &str,
    ) -> Result<&'a openapiv3::RequestBody> {
        match body {
            ReferenceOr::Item(body) => Ok(body),
            ReferenceOr::Reference { reference } => {
                self.referenced(reference, "requestBodies", |c| &c.request_bodies, at)
            }
        }
    }

    /// The item of `components.<kind>` that `reference` names (`items` picks that map).
    fn referenced<T>(
        &self,
        reference: &str,
        kind: &str,
        items: impl FnOnce(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Result<&'a T> {
        let prefix = format!("#/components/{kind}/");
        let found = reference
            .strip_prefix(&prefix)
            .zip(self.api.components.as_ref())
            .and_then(|(name, components)| items(components).get(name));
        match found {
            Some(ReferenceOr::Item(item)) => Ok(item),
            _ => Err(self.err(
                at,
                format!("`{reference}` names no item of `#/components/{kind}`"),
            )),
        }
    }

    fn push_type(&mut self, module: &str, def: TypeDef) {
        self.modules
            .entry(module.to_string())
            .or_default()
            .types
            .push(def);
    }
}

/// `head` + `tail` (both `PascalCase`), the words they overlap in said once: the longest run of
/// words that ends `head` and starts `tail` (`AlertAlert` + `Type` stays, `Alert` + `AlertType`
/// is `AlertType`), as long as `tail` keeps a word of its own.
pub(super) fn join_without_repeat(head: &str, tail: &str) -> String {
    let starts: Vec<usize> = tail
        .char_indices()
        .filter(|(i, c)| *i > 0 && c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .collect();
    // Longest overlap first: `tail[..start]` is a whole number of its leading words.
    for &start in starts.iter().rev() {
        let overlap = &tail[..start];
        let at_word_start = head
            .len()
            .checked_sub(overlap.len())
            .and_then(|i| head[i..].chars().next())
            .is_some_and(|c| c.is_ascii_uppercase());
        if at_word_start && head.ends_with(overlap) {
            return format!("{head}{}", &tail[start..]);
        }
    }
    format!("{head}{tail}")
}

#[cfg(test)]
mod tests {
    use super::join_without_repeat;

    #[test]
    fn joined_names_say_each_word_once() {
        for (head, tail, joined) in [
            ("Alert", "AlertType", "AlertType"),
            (
                "CreateTokenBankAccount",
                "AccountHolderType",
                "CreateTokenBankAccountHolderType",
            ),
            ("TaxRate", "RateType", "TaxRateType"),
            ("VerificationSession", "Status", "VerificationSessionStatus"),
            (
                "PaymentMethod",
                "PaymentMethodOptions",
                "PaymentMethodOptions",
            ),
            // A word that only ends the head's last word is not a repeat.
            ("Reader", "ErType", "ReaderErType"),
            ("", "Status", "Status"),
        ] {
            assert_eq!(join_without_repeat(head, tail), joined, "{head} + {tail}");
        }
    }
}
