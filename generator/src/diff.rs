//! Semantic diff of two OpenAPI specs (`cargo xtask spec-diff OLD NEW [--json]`): what changed
//! for a Rust user of the crate generated from them.
//!
//! [`diff`] compares
//!
//! - **operations**, keyed by method and path;
//! - each operation's **parameters**: path, query, header and cookie parameters and the
//!   properties of the request body (form, multipart or JSON), with nested properties named by
//!   their dotted path (`options.document.require_matching_selfie`). Inside a name, `[]` steps into
//!   array items, `{}` into map values and `<label>` into one of several object alternatives of an
//!   `anyOf`/`oneOf` (labelled by its `title`, or `#index`); the single object alternative of a
//!   union and the inline parts of an `allOf` are stepped into without a mark;
//! - each operation's **response** (the `200` `application/json` schema) and, when it is an inline
//!   object, its fields;
//! - **component schemas** (added, removed, changed shape) and their **fields**: the schema's
//!   properties, nested inline objects included as above. Component schemas are compared as
//!   response objects, which is what Stripe's are.
//!
//! Types are compared by a normalized description that follows the lowering conventions (see
//! ARCHITECTURE.md): a `$ref` is its schema name (its content is diffed under its own name),
//! `anyOf: [T]` is `T` (its `nullable` counts), `anyOf: [string, $ref X]` with
//! `x-expansionResources` is `expandable<X>`, `anyOf: [T, enum [""]]` is `emptyable<T>`,
//! `format: unix-time` is `timestamp`, `format: decimal` is `decimal`, a string enum is `enum`
//! (its values are compared separately), additional-properties objects are `map<T>`, Stripe's list
//! envelope is `list<T>`; other unions are `anyOf<A | B>`, `oneOf<…>` or `allOf<A & B>`. Shapes
//! the generator does not support are still described, never a panic.
//!
//! # Breaking changes
//!
//! A change is **breaking** when code written against the crate generated from OLD may stop
//! compiling against the crate generated from NEW. The generated crate (ARCHITECTURE.md,
//! "Lowering rules") makes enums `#[non_exhaustive]` with an `Unknown` catch-all and response
//! structs `#[non_exhaustive]`; a field is `T` when it is required and not nullable, otherwise
//! `Option<T>` (top-level query and path parameters: `T` exactly when required). Request
//! parameter structs are assumed to be built with `new(required…)` or `..Default::default()`, so
//! a new optional field is no break.
//!
//! | change | breaking | why |
//! |---|---|---|
//! | operation added | no | a new function |
//! | operation removed | **yes** | the function disappears |
//! | operation response type changed | **yes** | the function's return type changes |
//! | schema added | no | a new type |
//! | schema removed | **yes** | the type disappears |
//! | schema shape changed (e.g. object -> union) | **yes** | the type changes |
//! | schema (top-level enum) value added | no | enums are `#[non_exhaustive]` |
//! | schema (top-level enum) value removed | **yes** | the variant disappears |
//! | parameter added, optional (`Option<T>`) | no | `new()`/`Default` leave it `None` |
//! | parameter added, required (`T`), at any depth | **yes** | `new()` gains an argument, `Default` may go |
//! | parameter removed | **yes** | the field disappears |
//! | parameter type changed | **yes** | the field's type changes |
//! | parameter `required`/`nullable` changed, Rust type flips `T` <-> `Option<T>` | **yes** | optional -> required adds a `new()` argument; required -> optional turns `T` into `Option<T>` |
//! | parameter `required`/`nullable` changed, Rust type unchanged | no | only the wire format changes (e.g. an optional parameter becomes nullable) |
//! | parameter enum value added | no | enums are `#[non_exhaustive]` |
//! | parameter enum value removed | **yes** | the variant disappears |
//! | header or cookie parameter: any change | no | the generator ignores them |
//! | field added (required or not) | no | response structs are `#[non_exhaustive]` |
//! | field removed | **yes** | the field disappears |
//! | field type changed | **yes** | the field's type changes |
//! | field becomes nullable or optional: `T` -> `Option<T>` | **yes** | the field's type changes |
//! | field becomes required and non-nullable: `Option<T>` -> `T` | **yes** | the field's type changes too |
//! | field `required`/`nullable` changed, Rust type stays `Option<T>` | no | e.g. an optional field that becomes nullable |
//! | a union (`anyOf`/`oneOf`, `expandable` with several targets) gains or loses an alternative | **yes** | a type change; conservative: untagged unions are exhaustive enums (those dispatched on `object` are `#[non_exhaustive]`, but are not told apart) |
//! | field enum value added | no | enums are `#[non_exhaustive]`, unknown values land in `Unknown` |
//! | field enum value removed | **yes** | the variant disappears (code naming it stops compiling) |
//! | anything else (e.g. a path item `$ref` that names no path item) | no | reported for information only |
//!
//! When `required` and `nullable` change together, each gets an entry, and both are breaking
//! exactly when the Rust type flips. Members nested in an added or removed member are not listed
//! separately.
//!
//! The result is sorted by resource, subject, member and kind, so the output is deterministic.
//! Resources are the generated modules for operations (the first path segment after `/v1/`) and
//! the `x-resourceId` (else the name) for component schemas.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Schema, SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use serde::Serialize;

use crate::names::snake;

/// Nesting deeper than this is described as `…` rather than followed (specs are trees, so this
/// only guards the stack against absurd inputs).
const MAX_DEPTH: usize = 48;

/// Every difference between two specs, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// `info.version` of the old spec.
    pub old_version: String,
    /// `info.version` of the new spec.
    pub new_version: String,
    pub entries: Vec<Change>,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The group: the module of an operation (`identity`), or the `x-resourceId` (else the name)
    /// of a component schema.
    pub resource: String,
    /// The operation (`POST /v1/identity/verification_sessions`) or component schema name.
    pub subject: String,
    /// The parameter or field, as a dotted path; `None` for the operation or schema itself.
    pub member: Option<String>,
    pub kind: ChangeKind,
    /// What changed, in words (`` `string` → `integer` ``, the enum values added, ...).
    pub detail: String,
    /// Whether code using the crate generated from the old spec may stop compiling.
    pub breaking: bool,
}

/// What kind of difference a [`Change`] is. The order is the order within one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    ResponseTypeChanged,
    SchemaAdded,
    SchemaRemoved,
    SchemaTypeChanged,
    SchemaEnumValuesAdded,
    SchemaEnumValuesRemoved,
    ParameterAdded,
    ParameterRemoved,
    ParameterTypeChanged,
    ParameterRequiredChanged,
    ParameterNullableChanged,
    ParameterEnumValuesAdded,
    ParameterEnumValuesRemoved,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldRequiredChanged,
    FieldNullableChanged,
    FieldEnumValuesAdded,
    FieldEnumValuesRemoved,
    /// A shape the diff does not model, described in the detail.
    Other,
}

impl ChangeKind {
    /// How the Markdown report names this kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::OperationAdded => "operation added",
            Self::OperationRemoved => "operation removed",
            Self::ResponseTypeChanged => "response type changed",
            Self::SchemaAdded => "schema added",
            Self::SchemaRemoved => "schema removed",
            Self::SchemaTypeChanged => "schema type changed",
            Self::SchemaEnumValuesAdded => "schema enum values added",
            Self::SchemaEnumValuesRemoved => "schema enum values removed",
            Self::ParameterAdded => "parameter added",
            Self::ParameterRemoved => "parameter removed",
            Self::ParameterTypeChanged => "parameter type changed",
            Self::ParameterRequiredChanged => "parameter required changed",
            Self::ParameterNullableChanged => "parameter nullable changed",
            Self::ParameterEnumValuesAdded => "parameter enum values added",
            Self::ParameterEnumValuesRemoved => "parameter enum values removed",
            Self::FieldAdded => "field added",
            Self::FieldRemoved => "field removed",
            Self::FieldTypeChanged => "field type changed",
            Self::FieldRequiredChanged => "field required changed",
            Self::FieldNullableChanged => "field nullable changed",
            Self::FieldEnumValuesAdded => "field enum values added",
            Self::FieldEnumValuesRemoved => "field enum values removed",
            Self::Other => "other change",
        }
    }
}

impl SpecDiff {
    /// How many entries are breaking.
    pub fn breaking_count(&self) -> usize {
        self.entries.iter().filter(|c| c.breaking).count()
    }

    /// ``N changes, M breaking (`old` → `new`)``.
    pub fn summary(&self) -> String {
        let n = self.entries.len();
        format!(
            "{n} change{}, {} breaking ({} → {})",
            if n == 1 { "" } else { "s" },
            self.breaking_count(),
            code(&self.old_version),
            code(&self.new_version)
        )
    }

    /// The report: the summary line, then one section per resource, one bullet per change.
    pub fn to_markdown(&self) -> String {
        let mut out = self.summary();
        out.push('\n');
        let mut resource: Option<&str> = None;
        for change in &self.entries {
            if resource != Some(change.resource.as_str()) {
                resource = Some(&change.resource);
                let _ = write!(out, "\n## {}\n\n", code(&change.resource));
            }
            out.push_str("- ");
            if change.breaking {
                out.push_str("**breaking** ");
            }
            let _ = write!(out, "{}: {}", change.kind.label(), code(&change.subject));
            if let Some(member) = &change.member {
                let _ = write!(out, " {}", code(member));
            }
            if !change.detail.is_empty() {
                let _ = write!(out, " — {}", change.detail);
            }
            out.push('\n');
        }
        out
    }

    /// The JSON form (`--json`): this struct, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Compares two specs. Never panics, whatever their shape.
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> SpecDiff {
    let mut entries = Vec::new();
    diff_paths(old, new, &mut entries);
    diff_schemas(old, new, &mut entries);
    entries.sort();
    entries.dedup();
    SpecDiff {
        old_version: old.info.version.clone(),
        new_version: new.info.version.clone(),
        entries,
    }
}

// ---------------------------------------------------------------------------------------------
// Operations

/// One operation, with everything compared about it.
struct OperationInfo {
    operation_id: String,
    members: BTreeMap<String, Member>,
    response: Option<Desc>,
    response_members: BTreeMap<String, Member>,
}

fn diff_paths(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
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

type Operations = BTreeMap<(String, String), OperationInfo>;

/// Operations by (METHOD, path), and the path items given by a `$ref` that names no path item of
/// the document (`#/paths/...` ones are followed).
fn operations(api: &OpenAPI) -> (Operations, BTreeMap<&String, &String>) {
    let mut ops = BTreeMap::new();
    let mut unresolved = BTreeMap::new();
    for (path, item) in &api.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => match resolve_path_item(api, reference) {
                Some(item) => item,
                None => {
                    unresolved.insert(path, reference);
                    continue;
                }
            },
        };
        for (method, op) in item.iter() {
            let info = OperationInfo {
                operation_id: op.operation_id.clone().unwrap_or_default(),
                members: operation_members(api, item, op),
                response: response_schema(api, op).map(|s| describe_ref(s, 0)),
                response_members: match response_schema(api, op) {
                    Some(ReferenceOr::Item(schema)) => fields(schema),
                    _ => BTreeMap::new(),
                },
            };
            ops.insert((method.to_uppercase(), path.clone()), info);
        }
    }
    (ops, unresolved)
}

/// `#/paths/~1v1~1things` -> the path item of `/v1/things`, if it is one (not another `$ref`).
fn resolve_path_item<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a PathItem> {
    let token = reference.strip_prefix("#/paths/")?;
    let path = token.replace("~1", "/").replace("~0", "~");
    api.paths.paths.get(&path)?.as_item()
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

/// The parameters of an operation (path-level ones overridden by operation-level ones with the
/// same name and location) and the properties of its request body, nested ones included.
fn operation_members(api: &OpenAPI, item: &PathItem, op: &Operation) -> BTreeMap<String, Member> {
    let mut params: IndexMap<(Location, String), Member> = IndexMap::new();
    let mut nested = BTreeMap::new();
    for parameter in item.parameters.iter().chain(&op.parameters) {
        let parameter = match parameter {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { reference } => match resolve_parameter(api, reference) {
                Some(p) => p,
                None => {
                    params.insert(
                        (Location::Query, format!("$ref {reference}")),
                        Member {
                            parent: None,
                            location: Location::Query,
                            required: false,
                            top_level_param: true,
                            desc: Desc::plain("unresolved `$ref`"),
                        },
                    );
                    continue;
                }
            },
        };
        let location = match parameter {
            Parameter::Query { .. } => Location::Query,
            Parameter::Header { .. } => Location::Header,
            Parameter::Path { .. } => Location::Path,
            Parameter::Cookie { .. } => Location::Cookie,
        };
        let data = parameter.parameter_data_ref();
        let desc = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                if let ReferenceOr::Item(schema) = schema {
                    let name = Some(data.name.as_str());
                    collect_nested(schema, &data.name, name, location, 0, &mut nested);
                }
                describe_ref(schema, 0)
            }
            ParameterSchemaOrContent::Content(content) => {
                let media: Vec<&str> = content.keys().map(String::as_str).collect();
                Desc::plain(format!("content<{}>", media.join(" | ")))
            }
        };
        params.insert(
            (location, data.name.clone()),
            Member {
                parent: None,
                location,
                required: data.required,
                top_level_param: true,
                desc,
            },
        );
    }
    let mut members: BTreeMap<String, Member> = params
        .into_iter()
        .map(|((_, name), member)| (name, member))
        .collect();
    members.extend(nested);
    if let Some((schema, required)) = request_body_schema(api, op) {
        let resolved = match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => resolve_schema(api, reference),
        };
        match resolved
            .filter(|s| list_item_schema(s).is_none())
            .and_then(object_view)
        {
            Some(view) => {
                collect_properties(&view, None, None, Location::Body, 0, &mut members);
            }
            None => {
                members.insert(
                    "(body)".to_string(),
                    Member {
                        parent: None,
                        location: Location::Body,
                        required,
                        top_level_param: true,
                        desc: describe_ref(schema, 0),
                    },
                );
            }
        }
    }
    members
}

fn resolve_parameter<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a Parameter> {
    let name = reference.strip_prefix("#/components/parameters/")?;
    match api.components.as_ref()?.parameters.get(name)? {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { .. } => None,
    }
}

fn resolve_schema<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    match api.components.as_ref()?.schemas.get(name)? {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The request body's schema (form, then multipart, then JSON, then whatever comes first) and
/// whether the body is required.
fn request_body_schema<'a>(
    api: &'a OpenAPI,
    op: &'a Operation,
) -> Option<(&'a ReferenceOr<Schema>, bool)> {
    let body = match op.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            api.components
                .as_ref()?
                .request_bodies
                .get(name)?
                .as_item()?
        }
    };
    let media = [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json",
    ]
    .iter()
    .find_map(|m| body.content.get(*m))
    .or_else(|| body.content.values().next())?;
    Some((media.schema.as_ref()?, body.required))
}

/// The `200` `application/json` response schema.
fn response_schema<'a>(api: &'a OpenAPI, op: &'a Operation) -> Option<&'a ReferenceOr<Schema>> {
    let response = match op.responses.responses.get(&StatusCode::Code(200))? {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            api.components.as_ref()?.responses.get(name)?.as_item()?
        }
    };
    response.content.get("application/json")?.schema.as_ref()
}

/// The module an operation is generated into: the first path segment after the version
/// (`/v1/identity/...` -> `identity`), as lowering names it.
fn module_for_path(path: &str) -> String {
    let segment = path
        .split('/')
        .filter(|s| !s.is_empty())
        .find(|s| {
            !s.strip_prefix('v')
                .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap_or("root");
    snake(segment)
}

// ---------------------------------------------------------------------------------------------
// Component schemas

fn diff_schemas(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
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

/// Like [`describe_ref`], except that an object schema without properties or
/// `additionalProperties` is `object`: as a component it becomes a struct (with no fields), not a
/// JSON object as it does inline.
fn describe_component(schema: &ReferenceOr<Schema>) -> Desc {
    if let ReferenceOr::Item(s) = schema {
        let empty_object = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                o.properties.is_empty() && o.additional_properties.is_none()
            }
            _ => false,
        };
        if empty_object {
            return Desc {
                shape: "object".to_string(),
                nullable: s.schema_data.nullable,
                enum_values: None,
            };
        }
    }
    describe_ref(schema, 0)
}

/// The group of a component schema: its `x-resourceId`, else its name.
fn schema_resource(name: &str, schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Item(schema) => schema
            .schema_data
            .extensions
            .get("x-resourceId")
            .and_then(|v| v.as_str())
            .filter(|id| !id.is_empty())
            .unwrap_or(name)
            .to_string(),
        ReferenceOr::Reference { .. } => name.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Members (parameters and fields)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Location {
    Query,
    Path,
    Header,
    Cookie,
    Body,
    Response,
}

impl Location {
    fn name(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Path => "path",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::Body => "body",
            Self::Response => "response",
        }
    }
}

/// A parameter or field.
#[derive(Debug, Clone)]
struct Member {
    /// The enclosing member's name, for nested ones.
    parent: Option<String>,
    location: Location,
    required: bool,
    /// A top-level path/query/header/cookie parameter: its Rust type ignores `nullable`.
    top_level_param: bool,
    desc: Desc,
}

impl Member {
    /// Whether the generated field is `Option<T>`.
    fn rust_optional(&self) -> bool {
        !self.required || (self.desc.nullable && !self.top_level_param)
    }

    /// `optional, nullable `string``.
    fn describe(&self) -> String {
        let mut text = String::from(if self.required {
            "required"
        } else {
            "optional"
        });
        if self.desc.nullable {
            text.push_str(", nullable");
        }
        let _ = write!(text, " {}", code(&self.desc.shape));
        if self.location != Location::Response {
            let _ = write!(text, " in {}", self.location.name());
        }
        text
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Request,
    Response,
}

/// The fields of a response schema: its properties and everything nested in them.
fn fields(schema: &Schema) -> BTreeMap<String, Member> {
    let mut members = BTreeMap::new();
    collect_nested(schema, "", None, Location::Response, 0, &mut members);
    members
}

/// Adds members under `prefix` (`None`: at the top) from an object's properties, and everything
/// nested in them.
fn collect_properties(
    view: &ObjectView,
    prefix: Option<&str>,
    parent: Option<&str>,
    location: Location,
    depth: usize,
    out: &mut BTreeMap<String, Member>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (name, property) in view.properties {
        let key = match prefix {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}.{name}"),
            _ => name.clone(),
        };
        out.insert(
            key.clone(),
            Member {
                parent: parent.map(String::from),
                location,
                required: view.required.iter().any(|r| r == name),
                top_level_param: false,
                desc: describe_ref(property, depth + 1),
            },
        );
        if let ReferenceOr::Item(schema) = property {
            collect_nested(schema, &key, Some(&key), location, depth + 1, out);
        }
    }
}

/// Adds the members nested in `schema`, the type of member `parent` (`None`: a whole schema),
/// named `path` so far:
/// properties of an inline object, of array items (`[]`), of map values (`{}`), of the inline
/// parts of an `allOf` (transparently), of the one object alternative of a union (transparently)
/// or of each of several (`<title>`). `$ref`s are not followed: the referenced schema is diffed
/// under its own name.
fn collect_nested(
    schema: &Schema,
    path: &str,
    parent: Option<&str>,
    location: Location,
    depth: usize,
    out: &mut BTreeMap<String, Member>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(view) = object_view(schema) {
        if list_item_schema(schema).is_none() {
            collect_properties(&view, Some(path), parent, location, depth + 1, out);
        }
        return;
    }
    if let Some((_, alternatives)) = alternatives(schema) {
        let structured: Vec<(usize, &Schema)> = alternatives
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.as_item().map(|s| (i, s)))
            .filter(|(_, s)| is_structured(s, depth + 1))
            .collect();
        match structured.as_slice() {
            [] => {}
            [(_, single)] => collect_nested(single, path, parent, location, depth + 1, out),
            several => {
                for (index, alternative) in several {
                    let label = alternative
                        .schema_data
                        .title
                        .clone()
                        .unwrap_or_else(|| format!("#{index}"));
                    let path = format!("{path}<{label}>");
                    collect_nested(alternative, &path, parent, location, depth + 1, out);
                }
            }
        }
        return;
    }
    if let Some(parts) = all_of(schema) {
        // The inline parts' properties are all the object's.
        for part in parts.iter().filter_map(ReferenceOr::as_item) {
            collect_nested(part, path, parent, location, depth + 1, out);
        }
        return;
    }
    if let Some(Some(ReferenceOr::Item(items))) = array_items(schema) {
        let path = format!("{path}[]");
        collect_nested(items, &path, parent, location, depth + 1, out);
        return;
    }
    if let Some(AdditionalProperties::Schema(value)) = additional_properties(schema) {
        if let ReferenceOr::Item(value) = value.as_ref() {
            let path = format!("{path}{{}}");
            collect_nested(value, &path, parent, location, depth + 1, out);
        }
    }
}

/// Whether [`collect_nested`] finds members in `schema`.
fn is_structured(schema: &Schema, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if object_view(schema).is_some() {
        return list_item_schema(schema).is_none();
    }
    if let Some((_, alternatives)) = alternatives(schema) {
        return alternatives
            .iter()
            .any(|a| a.as_item().is_some_and(|s| is_structured(s, depth + 1)));
    }
    if let Some(parts) = all_of(schema) {
        return parts
            .iter()
            .any(|a| a.as_item().is_some_and(|s| is_structured(s, depth + 1)));
    }
    if let Some(Some(ReferenceOr::Item(items))) = array_items(schema) {
        return is_structured(items, depth + 1);
    }
    if let Some(AdditionalProperties::Schema(value)) = additional_properties(schema) {
        if let ReferenceOr::Item(value) = value.as_ref() {
            return is_structured(value, depth + 1);
        }
    }
    false
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

// ---------------------------------------------------------------------------------------------
// Type descriptions

/// The normalized type of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Desc {
    /// `string`, `enum`, `array<X>`, `expandable<customer>`, ...
    shape: String,
    nullable: bool,
    /// The enum values (`null` left out), when the schema, its array items or its alternatives
    /// are enums.
    enum_values: Option<BTreeSet<String>>,
}

impl Desc {
    fn plain(shape: impl Into<String>) -> Self {
        Self {
            shape: shape.into(),
            nullable: false,
            enum_values: None,
        }
    }
}

fn describe_ref<S: Borrow<Schema>>(schema: &ReferenceOr<S>, depth: usize) -> Desc {
    match schema {
        ReferenceOr::Reference { reference } => Desc::plain(ref_name(reference)),
        ReferenceOr::Item(schema) => describe(schema.borrow(), depth),
    }
}

fn ref_name(reference: &str) -> String {
    reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or(reference)
        .to_string()
}

fn describe(schema: &Schema, depth: usize) -> Desc {
    if depth > MAX_DEPTH {
        return Desc::plain("…");
    }
    let nullable = schema.schema_data.nullable;
    if let Some((keyword, alternatives)) = alternatives(schema) {
        let mut desc = describe_alternatives(schema, keyword, alternatives, depth);
        desc.nullable |= nullable;
        return desc;
    }
    if let Some(all_of) = all_of(schema) {
        let mut desc = match all_of {
            [single] => describe_ref(single, depth + 1),
            several => {
                let shapes: Vec<String> = several
                    .iter()
                    .map(|s| describe_ref(s, depth + 1).shape)
                    .collect();
                Desc::plain(format!("allOf<{}>", shapes.join(" & ")))
            }
        };
        desc.nullable |= nullable;
        return desc;
    }
    if let Some(not) = not(schema) {
        let mut desc = Desc::plain(format!("not<{}>", describe_ref(not, depth + 1).shape));
        desc.nullable = nullable;
        return desc;
    }
    let values = enum_values(schema);
    let mut enum_values = (!values.is_empty()).then(|| values.into_iter().collect());
    let shape = match type_name(schema) {
        Some("string") if enum_values.is_some() => "enum".to_string(),
        Some("string") => match format(schema).as_deref() {
            Some("unix-time") => "timestamp".to_string(),
            Some("decimal") => "decimal".to_string(),
            _ => "string".to_string(),
        },
        Some("integer") => match format(schema).as_deref() {
            Some("unix-time") => "timestamp".to_string(),
            _ => "integer".to_string(),
        },
        Some("number") => "number".to_string(),
        Some("boolean") => "boolean".to_string(),
        Some("array") => match array_items(schema).flatten() {
            Some(items) => {
                let item = describe_ref(items, depth + 1);
                if enum_values.is_none() {
                    enum_values = item.enum_values;
                }
                format!("array<{}>", item.shape)
            }
            None => "array<any>".to_string(),
        },
        Some("object") | None if object_view(schema).is_some() => match list_item_schema(schema) {
            Some(item) => format!("list<{}>", describe_ref(item, depth + 1).shape),
            None => "object".to_string(),
        },
        Some("object") => match additional_properties(schema) {
            Some(AdditionalProperties::Schema(value)) => {
                format!("map<{}>", describe_ref(value.as_ref(), depth + 1).shape)
            }
            _ => "map<any>".to_string(),
        },
        None => "any".to_string(),
        Some(other) => other.to_string(),
    };
    Desc {
        shape,
        nullable,
        enum_values,
    }
}

fn describe_alternatives(
    schema: &Schema,
    keyword: &str,
    alternatives: &[ReferenceOr<Schema>],
    depth: usize,
) -> Desc {
    let references: Vec<String> = alternatives
        .iter()
        .filter_map(|a| match a {
            ReferenceOr::Reference { reference } => Some(ref_name(reference)),
            ReferenceOr::Item(_) => None,
        })
        .collect();
    let has_string = alternatives.iter().any(|a| {
        a.as_item()
            .is_some_and(|s| type_name(s) == Some("string") && enum_values(s).is_empty())
    });
    if schema
        .schema_data
        .extensions
        .contains_key("x-expansionResources")
        && has_string
        && !references.is_empty()
    {
        return Desc::plain(format!("expandable<{}>", references.join(" | ")));
    }
    let (markers, rest): (Vec<&ReferenceOr<Schema>>, Vec<&ReferenceOr<Schema>>) =
        alternatives.iter().partition(|a| is_empty_string_marker(a));
    let rest = if rest.is_empty() {
        alternatives.iter().collect()
    } else {
        rest
    };
    let mut desc = match rest.as_slice() {
        [single] => describe_ref(*single, depth + 1),
        several => {
            let descs: Vec<Desc> = several
                .iter()
                .map(|a| describe_ref(*a, depth + 1))
                .collect();
            let shapes: Vec<&str> = descs.iter().map(|d| d.shape.as_str()).collect();
            let mut values: Option<BTreeSet<String>> = None;
            for d in &descs {
                if let Some(v) = &d.enum_values {
                    values
                        .get_or_insert_with(BTreeSet::new)
                        .extend(v.iter().cloned());
                }
            }
            Desc {
                shape: format!("{keyword}<{}>", shapes.join(" | ")),
                nullable: false,
                enum_values: values,
            }
        }
    };
    if !markers.is_empty() && markers.len() < alternatives.len() {
        desc.shape = format!("emptyable<{}>", desc.shape);
    }
    desc
}

// ---------------------------------------------------------------------------------------------
// Schema access, whether openapiv3 parsed a schema as a typed kind or as `Any`

/// The parts of an object schema with properties.
struct ObjectView<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
}

fn object_view(schema: &Schema) -> Option<ObjectView<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => Some(ObjectView {
            properties: &o.properties,
            required: &o.required,
        }),
        SchemaKind::Any(any)
            if matches!(any.typ.as_deref(), Some("object") | None)
                && !any.properties.is_empty()
                && any.any_of.is_empty()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.not.is_none() =>
        {
            Some(ObjectView {
                properties: &any.properties,
                required: &any.required,
            })
        }
        _ => None,
    }
}

fn alternatives(schema: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
        SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some(("anyOf", &any.any_of)),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some(("oneOf", &any.one_of)),
        _ => None,
    }
}

fn all_of(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(any) if !any.all_of.is_empty() => Some(&any.all_of),
        _ => None,
    }
}

fn not(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    match &schema.schema_kind {
        SchemaKind::Not { not } => Some(not),
        SchemaKind::Any(any) => any.not.as_deref(),
        _ => None,
    }
}

fn type_name(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Type(Type::Array(_)) => Some("array"),
        SchemaKind::Type(Type::Object(_)) => Some("object"),
        SchemaKind::Any(any) => any.typ.as_deref(),
        _ => None,
    }
}

fn format(schema: &Schema) -> Option<String> {
    fn known<T>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
        match format {
            VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
            _ => None,
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => known(&s.format),
        SchemaKind::Type(Type::Integer(i)) => known(&i.format),
        SchemaKind::Type(Type::Number(n)) => known(&n.format),
        SchemaKind::Any(any) => any.format.clone(),
        _ => None,
    }
}

/// The schema's own enum values, `null` left out, as strings.
fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(i)) => i
            .enumeration
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect(),
        SchemaKind::Type(Type::Number(n)) => n
            .enumeration
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect(),
        SchemaKind::Type(Type::Boolean(b)) => b
            .enumeration
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect(),
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `Some(items)` for an array schema (`Some(None)` when it has no `items`).
fn array_items(schema: &Schema) -> Option<Option<&ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => Some(array.items.as_ref()),
        SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => Some(any.items.as_ref()),
        _ => None,
    }
}

fn additional_properties(schema: &Schema) -> Option<&AdditionalProperties> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }
}

/// `enum: [""]`, the marker of a request parameter that can be cleared.
fn is_empty_string_marker(alternative: &ReferenceOr<Schema>) -> bool {
    matches!(alternative, ReferenceOr::Item(s)
        if type_name(s) == Some("string") && enum_values(s) == [""])
}

/// For Stripe's list envelope (`object: list`, `data`, `has_more`): the item schema.
fn list_item_schema(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = object_view(schema)?;
    let is_list = object.properties.get("object").is_some_and(|o| {
        matches!(o, ReferenceOr::Item(s) if type_name(s) == Some("string") && enum_values(s) == ["list"])
    });
    if !is_list || !object.properties.contains_key("has_more") {
        return None;
    }
    match object.properties.get("data")? {
        ReferenceOr::Item(data) => array_items(data).flatten(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Inline code, with a longer fence when the text has backticks.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
