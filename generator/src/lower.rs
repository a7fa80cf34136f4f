//! Stage 2: OpenAPI -> IR. All naming, module placement, deduplication and Stripe conventions
//! (DESIGN.md section 4) live here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::docs::markdown;
use crate::error::{Error, Result};
use crate::ir::*;
use crate::load::Loaded;
use crate::names::{self, pascal, snake, Namespace};
use crate::pointer;

/// Module for component schemas used by several modules, or by none.
pub const SHARED_MODULE: &str = "shared";
/// The catch-all variant every generated string enum gets.
pub const UNKNOWN_VARIANT: &str = "Unknown";
/// The private method a response struct reads its fields with (see the runtime's
/// `impl_deserialize_object!`), so no call on the type may take its name.
pub const FROM_FIELDS: &str = "from_fields";
/// Module of the webhook event types (`EventType`, `EventObject`, `Event`).
pub const EVENTS_MODULE: &str = "events";
/// Names the runtime defines at the crate root; generated modules must not shadow them.
const RESERVED_MODULES: &[&str] = &["runtime", "webhook", "lib"];

pub fn lower(loaded: &Loaded) -> Result<Api> {
    let mut lowerer = Lowerer::new(&loaded.api, &loaded.raw, &loaded.file)?;
    lowerer.lower_components()?;
    lowerer.lower_events();
    lowerer.lower_operations()?;
    let mut api = Api {
        version: loaded.api.info.version.clone(),
        modules: lowerer
            .modules
            .into_iter()
            .filter(|(_, m)| !m.types.is_empty() || !m.operations.is_empty())
            .map(|(name, m)| Module {
                name,
                types: m.types,
                operations: m.operations,
            })
            .collect(),
    };
    box_recursive_fields(&mut api);
    Ok(api)
}

/// One HTTP operation as found in `paths`, before lowering.
struct RawOperation<'a> {
    pointer: String,
    path: &'a str,
    method: Method,
    module: String,
    op: &'a openapiv3::Operation,
}

/// Where a component schema ends up.
#[derive(Clone)]
struct Placement {
    module: String,
    name: String,
    /// The ID newtype of a resource (or, for `deleted_x`, of `x`).
    id: Option<TypeRef>,
    /// Resources with their own ID implement `Object` (and can be `Expandable`).
    owns_id: bool,
    /// The `id` is required and not nullable: the resource implements `HasId`.
    id_always_present: bool,
}

#[derive(Default)]
struct ModuleBuilder {
    names: Namespace,
    types: Vec<TypeDef>,
    /// Content key -> name of an inline type already defined, so identical ones are shared.
    defined: HashMap<ContentKey, String>,
    operations: Vec<Operation>,
}

struct Ctx<'c> {
    module: &'c str,
    /// Name prefix for inline types defined at this position.
    hint: String,
    direction: Direction,
    pointer: String,
}

impl Ctx<'_> {
    fn child(&self, hint_suffix: &str, pointer_token: &str) -> Ctx<'_> {
        Ctx {
            module: self.module,
            hint: if hint_suffix.is_empty() {
                self.hint.clone()
            } else {
                format!("{}{}", self.hint, pascal(hint_suffix))
            },
            direction: self.direction,
            pointer: pointer::push(&self.pointer, pointer_token),
        }
    }
}

struct Lowerer<'a> {
    api: &'a OpenAPI,
    raw: &'a Value,
    file: &'a Path,
    raw_ops: Vec<RawOperation<'a>>,
    placements: BTreeMap<String, Placement>,
    modules: BTreeMap<String, ModuleBuilder>,
    /// Per owner type: the function names taken by its calls.
    fn_names: BTreeMap<String, Namespace>,
    /// Stripe's event types, when the spec lists them (see `reserve_event_names`), with the
    /// names reserved for the event types in the events module.
    events: Option<Events>,
}

/// The webhook event types of the API and where their types go.
struct Events {
    values: Vec<String>,
    type_name: String,
    object_name: String,
    event_name: String,
    /// The content key of the `EventType` enum, so the parameters listing event types use it.
    key: ContentKey,
}

/// What makes two inline types interchangeable: their content, and for types other than enums
/// (which work the same both ways) their direction.
type ContentKey = (Option<Direction>, TypeKind);

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI, raw: &'a Value, file: &'a Path) -> Result<Self> {
        let mut lowerer = Self {
            api,
            raw,
            file,
            raw_ops: Vec::new(),
            placements: BTreeMap::new(),
            modules: BTreeMap::new(),
            fn_names: BTreeMap::new(),
            events: None,
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

    fn collect_operations(&mut self) -> Result<()> {
        let mut operation_ids: BTreeMap<&str, String> = BTreeMap::new();
        for (path, item) in &self.api.paths.paths {
            let path_pointer = pointer::push("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(
                        self.err(path_pointer, "path items given by `$ref` are not supported")
                    )
                }
            };
            let unsupported = [
                ("put", &item.put),
                ("patch", &item.patch),
                ("head", &item.head),
                ("options", &item.options),
                ("trace", &item.trace),
            ];
            if let Some((name, _)) = unsupported.iter().find(|(_, op)| op.is_some()) {
                return Err(self.err(
                    pointer::push(&path_pointer, name),
                    format!("HTTP method `{name}` is not used by Stripe and not supported"),
                ));
            }
            let module = module_for_path(path);
            for (method, name, op) in [
                (Method::Get, "get", &item.get),
                (Method::Post, "post", &item.post),
                (Method::Delete, "delete", &item.delete),
            ] {
                let Some(op) = op else { continue };
                let op_pointer = pointer::push(&path_pointer, name);
                let Some(operation_id) = op.operation_id.as_deref() else {
                    return Err(self.err(op_pointer, "operation has no `operationId`"));
                };
                if let Some(first) = operation_ids.insert(operation_id, op_pointer.clone()) {
                    return Err(self.err(
                        pointer::push(&op_pointer, "operationId"),
                        format!("duplicate operationId `{operation_id}` (first used at {first})"),
                    ));
                }
                self.check_path_params(path, op, &op_pointer)?;
                self.raw_ops.push(RawOperation {
                    pointer: op_pointer,
                    path,
                    method,
                    module: module.clone(),
                    op,
                });
            }
        }
        Ok(())
    }

    fn check_path_params(&self, path: &str, op: &openapiv3::Operation, at: &str) -> Result<()> {
        let in_template: BTreeSet<&str> = template_params(path).collect();
        let mut declared = BTreeSet::new();
        for (index, parameter) in op.parameters.iter().enumerate() {
            let param_at = format!("{at}/parameters/{index}");
            let parameter = self.parameter(parameter, &param_at)?;
            if let Parameter::Path { parameter_data, .. } = parameter {
                if !in_template.contains(parameter_data.name.as_str()) {
                    return Err(self.err(
                        param_at,
                        format!(
                            "path parameter `{}` does not occur in the path template `{path}`",
                            parameter_data.name
                        ),
                    ));
                }
                declared.insert(parameter_data.name.as_str());
            }
        }
        if let Some(missing) = in_template.difference(&declared).next() {
            return Err(self.err(
                format!("{at}/parameters"),
                format!("`{{{missing}}}` in the path template has no path parameter"),
            ));
        }
        Ok(())
    }

    fn parameter<'p>(&self, p: &'p ReferenceOr<Parameter>, at: &str) -> Result<&'p Parameter> {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { .. } => {
                Err(self.err(at, "parameters given by `$ref` are not supported"))
            }
        }
    }

    fn component(&self, reference: &str, at: &str) -> Result<(&'a str, &'a Schema)> {
        let name = reference
            .strip_prefix("#/components/schemas/")
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

    /// Decides the module and Rust name of every component schema. A resource lives with the
    /// operations that return it; any other schema lives in the one module that uses it, or in
    /// `shared` when several (or none) do.
    fn place_schemas(&mut self) -> Result<()> {
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
        // `deleted_x` lives with `x`.
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

        let mut ids: BTreeMap<String, TypeRef> = BTreeMap::new();
        let mut placed: Vec<(String, String, bool, bool)> = Vec::new();
        for (name, schema) in self.schemas() {
            let module = match (home.get(name), users.get(name.as_str())) {
                (Some(module), _) => module.clone(),
                (None, Some(modules)) if modules.len() == 1 => modules
                    .iter()
                    .next()
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
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

    /// The component schema an operation returns, looking through list envelopes.
    fn response_resource(&self, op: &openapiv3::Operation) -> Option<String> {
        let schema = success_schema(op)?;
        let reference = match schema {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(schema) => match list_item_schema(schema)? {
                ReferenceOr::Reference { reference } => reference.clone(),
                ReferenceOr::Item(_) => return None,
            },
        };
        let name = reference.strip_prefix("#/components/schemas/")?;
        let resolved = self.api.components.as_ref()?.schemas.get(name)?;
        matches!(resolved, ReferenceOr::Item(s) if is_resource(s)).then(|| name.to_string())
    }

    /// Stripe lists every webhook event type in the `enabled_events` parameter of
    /// `POST /v1/webhook_endpoints`. When it is there, the events module gets `EventType` (that
    /// enum, also used by the parameter), `EventObject` (the generated resources events carry)
    /// and `Event`. Their names are claimed before any schema's, as they are what users look for.
    fn reserve_event_names(&mut self) {
        let values = self.raw_ops.iter().find_map(|raw| {
            if raw.method != Method::Post || !raw.path.ends_with("/webhook_endpoints") {
                return None;
            }
            let form = self.form_body(raw.op, &raw.pointer).ok()??;
            let ReferenceOr::Item(events) = form.properties.get("enabled_events")? else {
                return None;
            };
            let SchemaKind::Type(Type::Array(array)) = &events.schema_kind else {
                return None;
            };
            match array.items.as_ref()? {
                ReferenceOr::Item(item) => string_enum(item),
                ReferenceOr::Reference { .. } => None,
            }
        });
        let Some(values) = values.filter(|v| !v.is_empty()) else {
            return;
        };
        let module = self.modules.entry(EVENTS_MODULE.to_string()).or_default();
        let key = (
            None,
            TypeKind::Enum {
                variants: enum_variants(&values),
            },
        );
        self.events = Some(Events {
            type_name: module.names.claim("EventType".into()),
            object_name: module.names.claim("EventObject".into()),
            event_name: module.names.claim("Event".into()),
            values,
            key,
        });
    }

    /// Defines the event types reserved by `reserve_event_names`. An event's object is typed
    /// when it is a generated resource: one whose `object` value starts an event type
    /// (`identity.verification_session` for `identity.verification_session.verified`).
    fn lower_events(&mut self) {
        let Some(events) = &self.events else { return };
        let schemas = self.api.components.iter().flat_map(|c| c.schemas.iter());
        let mut names = Namespace::with_reserved(&[UNKNOWN_VARIANT]);
        let mut variants = Vec::new();
        for (name, schema) in schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let placement = &self.placements[name.as_str()];
            let Some(object) = constant_object(schema).filter(|_| placement.owns_id) else {
                continue;
            };
            let prefix = format!("{object}.");
            if events.values.iter().any(|event| event.starts_with(&prefix)) {
                variants.push(UnionVariant {
                    name: names.claim(placement.name.clone()),
                    ty: TypeRef::Named {
                        module: placement.module.clone(),
                        name: placement.name.clone(),
                    },
                    object: Some(object),
                });
            }
        }
        let named = |name: &str| TypeRef::Named {
            module: EVENTS_MODULE.to_string(),
            name: name.to_string(),
        };
        let definitions = [
            TypeDef {
                name: events.type_name.clone(),
                doc: "The type of an event: what happened. Also the values of a webhook \
                      endpoint's `enabled_events`, where `*` stands for every event."
                    .into(),
                deprecated: false,
                kind: events.key.1.clone(),
                direction: Direction::Response,
            },
            TypeDef {
                name: events.object_name.clone(),
                doc: "The object an event is about: typed for the resources of this crate, raw \
                      JSON for any other."
                    .into(),
                deprecated: false,
                kind: TypeKind::Union {
                    variants,
                    dispatch_on_object: true,
                },
                direction: Direction::Response,
            },
            TypeDef {
                name: events.event_name.clone(),
                doc: "An event, as delivered to webhook endpoints: verify and parse one with \
                      [`super::webhook::Webhook::construct_event`]."
                    .into(),
                deprecated: false,
                kind: TypeKind::Alias(TypeRef::Event {
                    event_type: Box::new(named(&events.type_name)),
                    object: Box::new(named(&events.object_name)),
                }),
                direction: Direction::Response,
            },
        ];
        for definition in definitions {
            self.push_type(EVENTS_MODULE, definition);
        }
    }

    fn lower_components(&mut self) -> Result<()> {
        let schemas: Vec<(&'a String, &'a ReferenceOr<Schema>)> = self.schemas().collect();
        for (name, schema) in schemas {
            let at = pointer::push("#/components/schemas", name);
            let ReferenceOr::Item(schema) = schema else {
                return Err(self.err(at, "component schemas given by `$ref` are not supported"));
            };
            let placement = self.placements[name.as_str()].clone();
            let ctx = Ctx {
                module: &placement.module,
                hint: placement.name.clone(),
                direction: Direction::Response,
                pointer: at,
            };
            let kind = self.named_kind(schema, &ctx, &placement)?;
            if let (true, Some(TypeRef::Named { name: id_name, .. })) =
                (placement.owns_id, &placement.id)
            {
                self.push_type(
                    &placement.module,
                    TypeDef {
                        name: id_name.clone(),
                        doc: format!("The ID of a [`{}`].", placement.name),
                        deprecated: false,
                        kind: TypeKind::Id,
                        direction: Direction::Response,
                    },
                );
            }
            self.push_type(
                &placement.module,
                TypeDef {
                    name: placement.name.clone(),
                    doc: doc_of(schema),
                    deprecated: schema.schema_data.deprecated,
                    kind,
                    direction: Direction::Response,
                },
            );
        }
        Ok(())
    }

    fn push_type(&mut self, module: &str, def: TypeDef) {
        self.modules
            .entry(module.to_string())
            .or_default()
            .types
            .push(def);
    }

    /// The body of a named type for a component schema.
    fn named_kind(
        &mut self,
        schema: &Schema,
        ctx: &Ctx,
        placement: &Placement,
    ) -> Result<TypeKind> {
        if let Some(object) = object_view(schema) {
            let mut fields = self.fields(&object, ctx)?;
            if let Some(id) = &placement.id {
                for field in fields.iter_mut().filter(|f| f.wire_name == "id") {
                    if field.ty == TypeRef::String {
                        field.ty = id.clone();
                    }
                }
            }
            let object = match (&placement.id, placement.owns_id) {
                (Some(TypeRef::Named { name, .. }), true) => Some(ObjectImpl {
                    id_type: name.clone(),
                    id_always_present: placement.id_always_present,
                }),
                _ => None,
            };
            return Ok(TypeKind::Struct { fields, object });
        }
        if let Some(values) = string_enum(schema) {
            return Ok(TypeKind::Enum {
                variants: enum_variants(&values),
            });
        }
        if let Some(alternatives) = alternatives(schema) {
            if alternatives.len() > 1
                && schema
                    .schema_data
                    .extensions
                    .get("x-expansionResources")
                    .is_none()
            {
                return self.union_kind(alternatives, ctx);
            }
        }
        let (ty, _) = self.type_ref_of_schema(schema, ctx)?;
        Ok(TypeKind::Alias(ty))
    }

    fn fields(&mut self, object: &ObjectView, ctx: &Ctx) -> Result<Vec<Field>> {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (wire_name, property) in object.properties {
            let child = ctx.child(wire_name, "properties");
            let child = Ctx {
                pointer: pointer::push(&child.pointer, wire_name),
                ..child
            };
            let (ty, nullable) = self.type_ref(property, &child)?;
            let (doc, deprecated) = match property {
                ReferenceOr::Item(s) => (doc_of(s), s.schema_data.deprecated),
                ReferenceOr::Reference { .. } => (String::new(), false),
            };
            fields.push(Field {
                name: names.claim(snake(wire_name)),
                wire_name: wire_name.clone(),
                doc,
                ty,
                required: object.required.contains(wire_name) && !nullable,
                nullable,
                deprecated,
                boxed: false,
            });
        }
        Ok(fields)
    }

    fn type_ref<S: AsSchema>(
        &mut self,
        schema: &ReferenceOr<S>,
        ctx: &Ctx,
    ) -> Result<(TypeRef, bool)> {
        match schema {
            ReferenceOr::Reference { reference } => {
                Ok((self.named_ref(reference, &ctx.pointer)?, false))
            }
            ReferenceOr::Item(schema) => self.type_ref_of_schema(schema.as_schema(), ctx),
        }
    }

    fn named_ref(&self, reference: &str, at: &str) -> Result<TypeRef> {
        let (name, _) = self.component(reference, at)?;
        let placement = &self.placements[name];
        Ok(TypeRef::Named {
            module: placement.module.clone(),
            name: placement.name.clone(),
        })
    }

    /// The type for an inline schema, defining inline types as needed. Also says whether the
    /// schema is nullable.
    fn type_ref_of_schema(&mut self, schema: &Schema, ctx: &Ctx) -> Result<(TypeRef, bool)> {
        let nullable = schema.schema_data.nullable;
        if let Some(alternatives) = alternatives(schema) {
            let (ty, inner_nullable) = self.alternatives_ref(schema, alternatives, ctx)?;
            return Ok((ty, nullable || inner_nullable));
        }
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            return match all_of.as_slice() {
                [single] => {
                    let (ty, inner_nullable) = self.type_ref(single, ctx)?;
                    Ok((ty, nullable || inner_nullable))
                }
                _ => Err(self.err(
                    &ctx.pointer,
                    "`allOf` with more than one schema is not supported (Stripe's spec has none)",
                )),
            };
        }
        if let SchemaKind::Not { .. } = &schema.schema_kind {
            return Err(self.err(&ctx.pointer, "`not` schemas are not supported"));
        }
        if let Some(values) = string_enum(schema) {
            if values.is_empty() {
                return Ok((TypeRef::String, nullable));
            }
            let kind = TypeKind::Enum {
                variants: enum_variants(&values),
            };
            return Ok((self.define_inline(ctx, kind, doc_of(schema))?, nullable));
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal" => TypeRef::Decimal,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => TypeRef::Timestamp,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::String,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => TypeRef::Timestamp,
                _ => TypeRef::Int,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Float,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => self.type_ref(items, &ctx.child("", "items"))?.0,
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => {
                let item = match &any.items {
                    Some(items) => self.type_ref(items, &ctx.child("", "items"))?.0,
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => TypeRef::String,
                Some("integer") => TypeRef::Int,
                Some("number") => TypeRef::Float,
                Some("boolean") => TypeRef::Bool,
                Some("object") | None if !any.properties.is_empty() => {
                    let object = object_view(schema)
                        .ok_or_else(|| self.err(&ctx.pointer, "unreadable object schema"))?;
                    self.object_ref(schema, &object, ctx)?
                }
                Some("object") => self.map_ref(any.additional_properties.as_ref(), ctx)?,
                None => TypeRef::Json,
                Some(other) => {
                    return Err(self.err(&ctx.pointer, format!("unsupported schema type `{other}`")))
                }
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    self.map_ref(o.additional_properties.as_ref(), ctx)?
                } else {
                    let object = object_view(schema)
                        .ok_or_else(|| self.err(&ctx.pointer, "unreadable object schema"))?;
                    self.object_ref(schema, &object, ctx)?
                }
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => TypeRef::Json,
        };
        Ok((ty, nullable))
    }

    fn map_ref(&mut self, additional: Option<&AdditionalProperties>, ctx: &Ctx) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(values)) => {
                let (value, _) =
                    self.type_ref(values.as_ref(), &ctx.child("", "additionalProperties"))?;
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        })
    }

    fn object_ref(&mut self, schema: &Schema, object: &ObjectView, ctx: &Ctx) -> Result<TypeRef> {
        if is_range_bounds(object) {
            return Ok(TypeRef::RangeBounds);
        }
        if let Some(item) = list_item_schema(schema) {
            let (item, _) = self.type_ref(item, &ctx.child("", "properties/data/items"))?;
            return Ok(TypeRef::List(Box::new(item)));
        }
        let fields = self.fields(object, ctx)?;
        self.define_inline(
            ctx,
            TypeKind::Struct {
                fields,
                object: None,
            },
            doc_of(schema),
        )
    }

    fn alternatives_ref(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        ctx: &Ctx,
    ) -> Result<(TypeRef, bool)> {
        if let Some(expandable) = self.expandable(schema, alternatives, ctx)? {
            return Ok((expandable, false));
        }
        let (empty, rest): (Vec<&ReferenceOr<Schema>>, Vec<&ReferenceOr<Schema>>) =
            alternatives.iter().partition(|a| is_empty_string_marker(a));
        if !empty.is_empty() && ctx.direction == Direction::Request {
            let inner = match rest.as_slice() {
                [single] => self.type_ref(*single, ctx)?.0,
                _ => {
                    let rest: Vec<ReferenceOr<Schema>> = rest.into_iter().cloned().collect();
                    self.union_ref(&rest, ctx)?
                }
            };
            return Ok((TypeRef::Emptyable(Box::new(inner)), false));
        }
        if let [single] = alternatives {
            return self.type_ref(single, ctx);
        }
        if is_range_query(alternatives) {
            return Ok((TypeRef::RangeQuery, false));
        }
        Ok((self.union_ref(alternatives, ctx)?, false))
    }

    /// `anyOf: [string, $ref X]` with `x-expansionResources`: an ID or the expanded object.
    fn expandable(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        ctx: &Ctx,
    ) -> Result<Option<TypeRef>> {
        if !schema
            .schema_data
            .extensions
            .contains_key("x-expansionResources")
        {
            return Ok(None);
        }
        let objects: Vec<&str> = alternatives
            .iter()
            .filter_map(|a| match a {
                ReferenceOr::Reference { reference } => Some(reference.as_str()),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let has_string = alternatives.iter().any(|a| matches!(a, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::String(_)))));
        let [reference] = objects.as_slice() else {
            // Several expansion targets: an ID or one of the objects.
            return Ok(None);
        };
        if !has_string {
            return Ok(None);
        }
        let (name, _) = self.component(reference, &ctx.pointer)?;
        let placement = &self.placements[name];
        if !placement.owns_id {
            return Ok(None);
        }
        let object = self.named_ref(reference, &ctx.pointer)?;
        let id = placement.id.clone().unwrap_or(TypeRef::String);
        Ok(Some(TypeRef::Expandable {
            object: Box::new(object),
            id: Box::new(id),
        }))
    }

    fn union_ref(&mut self, alternatives: &[ReferenceOr<Schema>], ctx: &Ctx) -> Result<TypeRef> {
        let kind = self.union_kind(alternatives, ctx)?;
        self.define_inline(ctx, kind, String::new())
    }

    fn union_kind(&mut self, alternatives: &[ReferenceOr<Schema>], ctx: &Ctx) -> Result<TypeKind> {
        let mut names = Namespace::with_reserved(&[UNKNOWN_VARIANT]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let (label, object) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let (name, schema) = self.component(reference, &ctx.pointer)?;
                    (self.placements[name].name.clone(), constant_object(schema))
                }
                ReferenceOr::Item(schema) => (variant_label(schema), constant_object(schema)),
            };
            let child = Ctx {
                module: ctx.module,
                hint: format!("{}{}", ctx.hint, label),
                direction: ctx.direction,
                pointer: format!("{}/anyOf/{index}", ctx.pointer),
            };
            let (ty, _) = self.type_ref(alternative, &child)?;
            variants.push(UnionVariant {
                name: names.claim(label),
                ty,
                object,
            });
        }
        let dispatch_on_object = variants.iter().all(|v| v.object.is_some())
            && variants
                .iter()
                .map(|v| &v.object)
                .collect::<BTreeSet<_>>()
                .len()
                == variants.len();
        if !dispatch_on_object {
            for variant in &mut variants {
                variant.object = None;
            }
        }
        Ok(TypeKind::Union {
            variants,
            dispatch_on_object,
        })
    }

    /// Defines an inline type under the context's name. Request types reuse an identical type
    /// already defined in the module (create and update calls repeat their nested parameters);
    /// response types keep their own name, so a field's type is always named after its owner.
    fn define_inline(&mut self, ctx: &Ctx, kind: TypeKind, doc: String) -> Result<TypeRef> {
        let is_enum = matches!(kind, TypeKind::Enum { .. });
        // Enums behave the same in both directions, so a request can reuse a response's enum.
        let key = ((!is_enum).then_some(ctx.direction), kind.clone());
        if let Some(events) = self.events.as_ref().filter(|e| e.key == key) {
            return Ok(TypeRef::Named {
                module: EVENTS_MODULE.to_string(),
                name: events.type_name.clone(),
            });
        }
        let module = self.modules.entry(ctx.module.to_string()).or_default();
        if ctx.direction == Direction::Request {
            if let Some(existing) = module.defined.get(&key) {
                return Ok(TypeRef::Named {
                    module: ctx.module.to_string(),
                    name: existing.clone(),
                });
            }
        }
        let name = module.names.claim(ctx.hint.clone());
        module.defined.entry(key).or_insert_with(|| name.clone());
        module.types.push(TypeDef {
            name: name.clone(),
            doc,
            deprecated: false,
            kind,
            direction: if is_enum {
                Direction::Response
            } else {
                ctx.direction
            },
        });
        Ok(TypeRef::Named {
            module: ctx.module.to_string(),
            name,
        })
    }

    fn lower_operations(&mut self) -> Result<()> {
        let raw_ops = std::mem::take(&mut self.raw_ops);
        for raw in &raw_ops {
            self.lower_operation(raw)?;
        }
        Ok(())
    }

    fn lower_operation(&mut self, raw: &RawOperation<'a>) -> Result<()> {
        let op = raw.op;
        let operation_id = op.operation_id.clone().unwrap_or_default();
        let owner = self.response_resource(op).map(|resource| {
            let base = resource
                .strip_prefix("deleted_")
                .unwrap_or(&resource)
                .to_string();
            let placement = self
                .placements
                .get(&base)
                .unwrap_or(&self.placements[&resource]);
            (placement.clone(), resource)
        });
        let is_list = success_schema(op)
            .and_then(|s| match s {
                ReferenceOr::Item(s) => list_item_schema(s),
                ReferenceOr::Reference { .. } => None,
            })
            .is_some();
        let action = action_name(raw.path, raw.method, is_list);
        let owner_key = owner
            .as_ref()
            .map(|(p, _)| format!("{}::{}", p.module, p.name))
            .unwrap_or_else(|| format!("{}::", raw.module));
        let namespace = self
            .fn_names
            .entry(owner_key.clone())
            .or_insert_with(|| Namespace::with_reserved(&[FROM_FIELDS]));
        let fn_name = match &action {
            Some(action) if owner.is_some() => {
                let name = namespace.claim(action.clone());
                if name == *action {
                    name
                } else {
                    namespace.claim(snake(&operation_id))
                }
            }
            _ => namespace.claim(snake(&operation_id)),
        };
        let params_name_hint = match &owner {
            Some((placement, _)) if is_list && fn_name == "list" => {
                format!("List{}", names::plural(&placement.name))
            }
            Some((placement, _)) => format!("{}{}", pascal(&fn_name), placement.name),
            None => pascal(&operation_id),
        };

        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        for (index, parameter) in op.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{index}", raw.pointer);
            match self.parameter(parameter, &at)? {
                Parameter::Path { parameter_data, .. } => path_params.push(parameter_data),
                Parameter::Query { parameter_data, .. } => query_params.push((at, parameter_data)),
                Parameter::Header { .. } | Parameter::Cookie { .. } => {}
            }
        }
        let form = self.form_body(op, &raw.pointer)?;
        if !query_params.is_empty() && form.as_ref().is_some_and(|f| !f.properties.is_empty()) {
            return Err(self.err(
                &raw.pointer,
                "an operation with both query and form parameters is not supported",
            ));
        }

        let module = raw.module.clone();
        let params_ctx = Ctx {
            module: &module,
            hint: String::new(),
            direction: Direction::Request,
            pointer: raw.pointer.clone(),
        };
        let mut fields = Vec::new();
        let mut field_names = Namespace::default();
        for (at, data) in &query_params {
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(self.err(
                    at,
                    "parameters with `content` instead of `schema` are not supported",
                ));
            };
            let ctx = Ctx {
                hint: format!("{params_name_hint}{}", pascal(&data.name)),
                pointer: format!("{at}/schema"),
                ..params_ctx.clone_shallow()
            };
            let (ty, _) = self.type_ref(schema, &ctx)?;
            fields.push(Field {
                name: field_names.claim(snake(&data.name)),
                wire_name: data.name.clone(),
                doc: data
                    .description
                    .as_deref()
                    .map(markdown)
                    .unwrap_or_default(),
                ty,
                required: data.required,
                nullable: false,
                deprecated: data.deprecated == Some(true),
                boxed: false,
            });
        }
        if let Some(form) = &form {
            let ctx = Ctx {
                hint: params_name_hint.clone(),
                pointer: format!(
                    "{}/requestBody/content/application~1x-www-form-urlencoded/schema",
                    raw.pointer
                ),
                ..params_ctx.clone_shallow()
            };
            fields.extend(self.fields(form, &ctx)?);
        }
        let params = if fields.is_empty() {
            None
        } else {
            let builder = self.modules.entry(module.clone()).or_default();
            let name = builder.names.claim(params_name_hint.clone());
            builder.types.push(TypeDef {
                name: name.clone(),
                doc: format!(
                    "Parameters of [`{}`]({}).",
                    fn_name,
                    owner_link(&owner, &fn_name)
                ),
                deprecated: false,
                kind: TypeKind::Struct {
                    fields,
                    object: None,
                },
                direction: Direction::Request,
            });
            Some(name)
        };

        let last_param = path_params.last().map(|p| p.name.clone());
        let mut typed_path_params = Vec::new();
        let mut param_names = Namespace::with_reserved(&["client", "params"]);
        for data in &path_params {
            let id = owner
                .as_ref()
                .filter(|_| !is_list && Some(&data.name) == last_param.as_ref())
                .and_then(|(placement, _)| placement.id.clone());
            typed_path_params.push(PathParam {
                name: param_names.claim(snake(&data.name)),
                wire_name: data.name.clone(),
                ty: id.unwrap_or(TypeRef::String),
            });
        }

        let response_ctx = Ctx {
            module: &module,
            hint: format!("{}Response", pascal(&operation_id)),
            direction: Direction::Response,
            pointer: format!("{}/responses/200", raw.pointer),
        };
        let response = match success_schema(op) {
            Some(schema) => self.type_ref(schema, &response_ctx)?.0,
            None => TypeRef::Json,
        };
        let paginate = match &response {
            TypeRef::List(item) if params.is_some() && self.has_id(item) => {
                let namespace = self.fn_names.entry(owner_key).or_default();
                Some((namespace.claim(format!("{fn_name}_all")), (**item).clone()))
            }
            _ => None,
        };
        let mut doc = op
            .description
            .as_deref()
            .or(op.summary.as_deref())
            .map(markdown)
            .unwrap_or_default();
        let method_name = match raw.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        };
        doc.push_str(&format!("\n\n`{method_name} {}`", raw.path));
        let operation = Operation {
            owner: owner.map(|(p, _)| {
                if p.module == module {
                    p.name
                } else {
                    format!("super::{}::{}", p.module, p.name)
                }
            }),
            fn_name,
            doc: doc.trim().to_string(),
            deprecated: op.deprecated,
            method: raw.method,
            path: raw.path.to_string(),
            path_params: typed_path_params,
            params,
            response,
            paginate,
        };
        self.modules
            .entry(module)
            .or_default()
            .operations
            .push(operation);
        Ok(())
    }

    /// Whether `ty` is a generated resource that always has an ID (it implements `HasId`), so
    /// lists of it can be paginated.
    fn has_id(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named { module, name } = ty else {
            return false;
        };
        self.placements
            .values()
            .any(|p| p.owns_id && p.id_always_present && p.module == *module && p.name == *name)
    }

    fn form_body(&self, op: &'a openapiv3::Operation, at: &str) -> Result<Option<ObjectView<'a>>> {
        let Some(body) = &op.request_body else {
            return Ok(None);
        };
        let ReferenceOr::Item(body) = body else {
            return Err(self.err(
                format!("{at}/requestBody"),
                "request bodies given by `$ref` are not supported",
            ));
        };
        // File uploads (`/v1/files`) declare `multipart/form-data`; their parameters are lowered
        // like form parameters.
        let media = body
            .content
            .get("application/x-www-form-urlencoded")
            .or_else(|| body.content.get("multipart/form-data"));
        let Some(media) = media else {
            if body.content.is_empty() {
                return Ok(None);
            }
            return Err(self.err(format!("{at}/requestBody/content"), "only form-encoded (`application/x-www-form-urlencoded` or `multipart/form-data`) request bodies are supported"));
        };
        match &media.schema {
            None => Ok(None),
            Some(ReferenceOr::Item(schema)) => Ok(object_view(schema)),
            Some(ReferenceOr::Reference { reference }) => {
                let (_, schema) = self.component(reference, at)?;
                Ok(object_view(schema))
            }
        }
    }
}

impl Ctx<'_> {
    fn clone_shallow(&self) -> Ctx<'_> {
        Ctx {
            module: self.module,
            hint: self.hint.clone(),
            direction: self.direction,
            pointer: self.pointer.clone(),
        }
    }
}

fn owner_link(owner: &Option<(Placement, String)>, fn_name: &str) -> String {
    match owner {
        Some((placement, _)) => {
            format!("super::{}::{}::{fn_name}", placement.module, placement.name)
        }
        None => fn_name.to_string(),
    }
}

/// Lets `type_ref` take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// The parts of an object schema, whether openapiv3 parsed it as `Type::Object` or `Any`.
struct ObjectView<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
}

fn object_view(schema: &Schema) -> Option<ObjectView<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o))
            if !o.properties.is_empty() || o.additional_properties.is_none() =>
        {
            Some(ObjectView {
                properties: &o.properties,
                required: &o.required,
            })
        }
        SchemaKind::Any(any)
            if (any.typ.as_deref() == Some("object") || any.typ.is_none())
                && !any.properties.is_empty()
                && any.any_of.is_empty()
                && any.one_of.is_empty()
                && any.all_of.is_empty() =>
        {
            Some(ObjectView {
                properties: &any.properties,
                required: &any.required,
            })
        }
        _ => None,
    }
}

fn alternatives(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } => Some(any_of),
        SchemaKind::OneOf { one_of } => Some(one_of),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some(&any.any_of),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some(&any.one_of),
        _ => None,
    }
}

/// The values of a string enum (without `null`), or `None` when the schema is no string enum.
fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Any(any)
            if any.typ.as_deref() == Some("string") && !any.enumeration.is_empty() =>
        {
            Some(
                any.enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn enum_variants(values: &[String]) -> Vec<Variant> {
    let mut names = Namespace::with_reserved(&[UNKNOWN_VARIANT]);
    values
        .iter()
        .map(|value| Variant {
            name: names.claim(match value.as_str() {
                "*" => "All".to_string(),
                other => pascal(other),
            }),
            wire_name: value.clone(),
        })
        .collect()
}

fn is_empty_string_marker(alternative: &ReferenceOr<Schema>) -> bool {
    matches!(alternative, ReferenceOr::Item(s) if string_enum(s).is_some_and(|v| v == [""]))
}

fn is_range_bounds(object: &ObjectView) -> bool {
    !object.properties.is_empty()
        && object.properties.iter().all(|(name, schema)| {
            matches!(name.as_str(), "gt" | "gte" | "lt" | "lte")
                && matches!(schema, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_))))
        })
}

fn is_range_query(alternatives: &[ReferenceOr<Schema>]) -> bool {
    let [ReferenceOr::Item(a), ReferenceOr::Item(b)] = alternatives else {
        return false;
    };
    let bounds = |s: &Schema| object_view(s).is_some_and(|o| is_range_bounds(&o));
    let integer = |s: &Schema| matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_)));
    (bounds(a) && integer(b)) || (integer(a) && bounds(b))
}

/// The single `object` value of an object schema (`enum: [climate.order]`), if it has one.
fn constant_object(schema: &Schema) -> Option<String> {
    let object = object_view(schema)?;
    let ReferenceOr::Item(property) = object.properties.get("object")? else {
        return None;
    };
    match string_enum(property)?.as_slice() {
        [value] => Some(value.clone()),
        _ => None,
    }
}

/// A variant name for an inline alternative of a union.
fn variant_label(schema: &Schema) -> String {
    if let Some(title) = &schema.schema_data.title {
        return pascal(title);
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        _ => "Other",
    }
    .to_string()
}

fn is_resource(schema: &Schema) -> bool {
    schema.schema_data.extensions.contains_key("x-resourceId")
        && object_view(schema).is_some_and(|o| o.properties.contains_key("id"))
}

fn id_always_present(schema: &Schema) -> bool {
    object_view(schema).is_some_and(|o| {
        o.required.iter().any(|r| r == "id")
            && matches!(o.properties.get("id"), Some(ReferenceOr::Item(id)) if !id.schema_data.nullable)
    })
}

fn doc_of(schema: &Schema) -> String {
    schema
        .schema_data
        .description
        .as_deref()
        .map(markdown)
        .unwrap_or_default()
}

fn success_response(op: &openapiv3::Operation) -> Option<&openapiv3::Response> {
    let response = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))?;
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { .. } => None,
    }
}

fn success_schema(op: &openapiv3::Operation) -> Option<&ReferenceOr<Schema>> {
    success_response(op)?
        .content
        .get("application/json")?
        .schema
        .as_ref()
}

/// For Stripe's list envelope (`object: list`, `data`, `has_more`, `url`): the item schema.
fn list_item_schema(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = object_view(schema)?;
    let is_list = object.properties.get("object").is_some_and(
        |o| matches!(o, ReferenceOr::Item(s) if string_enum(s).is_some_and(|v| v == ["list"])),
    );
    if !is_list || !object.properties.contains_key("has_more") {
        return None;
    }
    match object.properties.get("data")? {
        ReferenceOr::Item(data) => match &data.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

fn collect_refs(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    refs.insert(name.to_string());
                }
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

/// The module of an operation: the first path segment after the version, `/v1/identity/...` ->
/// `identity`.
fn module_for_path(path: &str) -> String {
    let segment = path
        .split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version_segment(s))
        .unwrap_or("root");
    snake(segment)
}

fn is_version_segment(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

fn template_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The verb of a call, from its method and path: `list`, `create`, `retrieve`, `update`, `delete`,
/// or the custom action that ends the path (`cancel`). `None` leaves naming to the operationId.
fn action_name(path: &str, method: Method, is_list: bool) -> Option<String> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version_segment(s))
        .collect();
    let last = *segments.last()?;
    let last_is_param = last.starts_with('{');
    let has_params = segments.iter().any(|s| s.starts_with('{'));
    let custom = || Some(snake(last));
    match method {
        Method::Get if is_list => Some("list".into()),
        Method::Get if last_is_param || !has_params => Some("retrieve".into()),
        Method::Get => custom(),
        Method::Post if last_is_param => Some("update".into()),
        Method::Post if !has_params => Some("create".into()),
        Method::Post => custom(),
        Method::Delete if last_is_param => Some("delete".into()),
        Method::Delete => None,
    }
}

/// Boxes struct fields whose type contains the struct itself by value, which would otherwise have
/// infinite size.
fn box_recursive_fields(api: &mut Api) {
    let mut contains: BTreeMap<(String, String), BTreeSet<(String, String)>> = BTreeMap::new();
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
    let reaches = |from: &(String, String), goal: &(String, String)| {
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
fn by_value(ty: &TypeRef, out: &mut BTreeSet<(String, String)>) {
    match ty {
        TypeRef::Named { module, name } => {
            out.insert((module.clone(), name.clone()));
        }
        TypeRef::Emptyable(inner) => by_value(inner, out),
        _ => {}
    }
}
