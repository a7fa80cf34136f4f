//! Collecting what is compared: each operation's parameters (request body properties included,
//! nested ones by dotted path) and response, and each component schema's fields. Types are
//! described by `describe.rs`; the spec is read through `schema.rs` and `stripe.rs`, as lowering
//! reads it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Schema,
};

use super::describe::{describe_ref, Desc};
use super::render::code;
use super::MAX_DEPTH;
use crate::schema::{
    additional_properties, all_of, alternatives, array_items, object_with_properties, ObjectView,
};
use crate::stripe::{
    list_item_schema, resource_id, schema_name, success_schema, REQUEST_MEDIA_TYPES,
};

/// One operation, with everything compared about it.
pub(super) struct OperationInfo {
    pub operation_id: String,
    pub members: BTreeMap<String, Member>,
    pub response: Option<Desc>,
    pub response_members: BTreeMap<String, Member>,
}

pub(super) type Operations = BTreeMap<(String, String), OperationInfo>;

/// Operations by (METHOD, path), and the path items given by a `$ref` that names no path item of
/// the document (`#/paths/...` ones are followed).
pub(super) fn operations(api: &OpenAPI) -> (Operations, BTreeMap<&String, &String>) {
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
                response: success_schema(api, op).map(|s| describe_ref(s, 0)),
                response_members: match success_schema(api, op) {
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
            .and_then(object_with_properties)
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
    let name = schema_name(reference)?;
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
    let media = REQUEST_MEDIA_TYPES
        .iter()
        .find_map(|(media_type, _)| body.content.get(*media_type))
        .or_else(|| body.content.values().next())?;
    Some((media.schema.as_ref()?, body.required))
}

/// The group of a component schema: its `x-resourceId`, else its name.
pub(super) fn schema_resource(name: &str, schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Item(schema) => resource_id(schema).unwrap_or(name).to_string(),
        ReferenceOr::Reference { .. } => name.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Location {
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
pub(super) struct Member {
    /// The enclosing member's name, for nested ones.
    pub parent: Option<String>,
    pub location: Location,
    pub required: bool,
    /// A top-level path/query/header/cookie parameter: its Rust type ignores `nullable`.
    pub top_level_param: bool,
    pub desc: Desc,
}

impl Member {
    /// Whether the generated field is `Option<T>`.
    pub(super) fn rust_optional(&self) -> bool {
        !self.required || (self.desc.nullable && !self.top_level_param)
    }

    /// `optional, nullable `string``.
    pub(super) fn describe(&self) -> String {
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

/// The fields of a response schema: its properties and everything nested in them.
pub(super) fn fields(schema: &Schema) -> BTreeMap<String, Member> {
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
    if let Some(view) = object_with_properties(schema) {
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
    if object_with_properties(schema).is_some() {
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
