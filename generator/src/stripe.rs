//! Stripe's conventions, recognised in a spec: the patterns its OpenAPI documents use for
//! resources, expandable fields, clearable parameters, list envelopes, `created` filters and
//! object unions, and where an operation's module comes from. Each convention is recognised
//! here and only here; lowering (`lower/`) decides what Rust each one becomes, and spec-diff
//! (`diff/`) describes changes in the same terms, so the two never read a spec differently.
//!
//! These functions only answer questions about the spec; they build no names and no types.

use openapiv3::{
    OpenAPI, Operation, PathItem, ReferenceOr, Response, Schema, SchemaKind, StatusCode,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::ir::Encoding;
use crate::names::module_name;
use crate::schema::{
    alternatives, array_items, custom_format, enum_values, object_view, string_enum, type_name,
    ObjectView,
};

/// Where component schemas live; a `$ref` elsewhere is not one of Stripe's.
const SCHEMAS: &str = "#/components/schemas/";

/// The media types of request bodies Stripe's API reads, in order of preference, and how each
/// travels: v1 forms, file uploads (`/v1/files`) and the v2 API's JSON.
pub const REQUEST_MEDIA_TYPES: [(&str, Encoding); 3] = [
    ("application/x-www-form-urlencoded", Encoding::Form),
    ("multipart/form-data", Encoding::Multipart),
    ("application/json", Encoding::Json),
];

/// Stripe's own `format`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeFormat {
    /// `format: unix-time` on an integer or a string: seconds since the Unix epoch.
    UnixTime,
    /// `format: decimal` on a string: a decimal number sent as text, every digit kept.
    Decimal,
    /// `format: date-time` on a string: an RFC 3339 timestamp (the v2 API's).
    DateTime,
    /// `format: binary` on a string: a file's bytes (file uploads).
    Binary,
}

/// The Stripe format of a scalar schema, if it has one.
pub fn stripe_format(schema: &Schema) -> Option<StripeFormat> {
    if let SchemaKind::Type(Type::String(string)) = &schema.schema_kind {
        match string.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                return Some(StripeFormat::DateTime)
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                return Some(StripeFormat::Binary)
            }
            _ => {}
        }
    }
    match (type_name(schema)?, custom_format(schema)?) {
        ("string" | "integer", "unix-time") => Some(StripeFormat::UnixTime),
        ("string", "decimal") => Some(StripeFormat::Decimal),
        ("string", "date-time") => Some(StripeFormat::DateTime),
        ("string", "binary") => Some(StripeFormat::Binary),
        _ => None,
    }
}

/// The component schema a `$ref` names (`#/components/schemas/customer` -> `customer`).
pub fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMAS)
}

/// The module of an operation: the first path segment after the version, `/v1/identity/...` ->
/// `identity`, with any version after v1 in front, `/v2/core/...` -> `v2_core` (`root` for a path
/// with no other segment; see [`module_name`] for the names the crate root keeps).
pub fn module_for_path(path: &str) -> String {
    let segment = path
        .split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version_segment(s))
        .unwrap_or("root");
    match later_api_version(path) {
        Some(version) => module_name(&format!("{version}_{segment}")),
        None => module_name(segment),
    }
}

/// A namespaced schema's namespace and the rest of its name: `climate.order` -> (`climate`,
/// `order`); a v2 schema keeps its version, `v2.core.event` -> (`v2.core`, `event`), and
/// `v2.deleted_object` -> (`v2`, `deleted_object`).
pub fn split_namespace(name: &str) -> Option<(&str, &str)> {
    let (first, rest) = name.split_once('.')?;
    if is_version_segment(first) {
        if let Some((second, _)) = rest.split_once('.') {
            let end = first.len() + 1 + second.len();
            return Some((&name[..end], &name[end + 1..]));
        }
    }
    Some((first, rest))
}

/// Whether a schema is one of the v2 API's errors: `v2.error`, or one per error code
/// (`v2.error.not_found`).
pub fn is_v2_error(name: &str) -> bool {
    name == "v2.error" || name.starts_with("v2.error.")
}

/// The code a v2 error schema stands for: the one value of its `error.code`
/// (`v2.error.not_found` -> `not_found`; the generic `v2.error` has none).
pub fn v2_error_code(schema: &Schema) -> Option<String> {
    let error = object_view(schema)?;
    let ReferenceOr::Item(error) = error.properties.get("error")? else {
        return None;
    };
    let ReferenceOr::Item(code) = object_view(error)?.properties.get("code")? else {
        return None;
    };
    match string_enum(code)?.as_slice() {
        [code] => Some(code.clone()),
        _ => None,
    }
}

/// Whether a path is of the v2 API (or a later one): JSON in and out, whatever its body.
pub fn is_v2_path(path: &str) -> bool {
    later_api_version(path).is_some()
}

/// The API version a path starts with when it is not v1 (`/v2/core/events` -> `v2`).
fn later_api_version(path: &str) -> Option<&str> {
    path.split('/')
        .find(|s| !s.is_empty())
        .filter(|first| is_version_segment(first) && *first != "v1")
}

/// `v1`, `v2`: the API version at the start of a path.
pub fn is_version_segment(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

/// The `x-resourceId` of a schema (`identity.verification_session`): Stripe's name for the
/// resource it describes. The v2 API's schemas have none: there a constant `object` that names
/// a v2 type (`v2.core.event_destination`) says the same.
pub fn resource_id(schema: &Schema) -> Option<&str> {
    let declared = schema
        .schema_data
        .extensions
        .get("x-resourceId")
        .and_then(|id| id.as_str())
        .filter(|id| !id.is_empty());
    declared.or_else(|| constant_object(schema).filter(|object| object.starts_with("v2.")))
}

/// A resource: a schema with an `x-resourceId` and an `id` property.
pub fn is_resource(schema: &Schema) -> bool {
    resource_id(schema).is_some()
        && object_view(schema).is_some_and(|o| o.properties.contains_key("id"))
}

/// Whether every instance carries its `id` (required and not nullable). Most resources do; an
/// upcoming invoice, for one, has none.
pub fn id_always_present(schema: &Schema) -> bool {
    object_view(schema).is_some_and(|o| {
        o.required.iter().any(|r| r == "id")
            && matches!(o.properties.get("id"), Some(ReferenceOr::Item(id)) if !id.schema_data.nullable)
    })
}

/// The single `object` value of an object schema (`enum: [climate.order]`), if it has one: what
/// unions of objects and webhook events are dispatched on.
pub fn constant_object(schema: &Schema) -> Option<&str> {
    let object = object_view(schema)?;
    let ReferenceOr::Item(property) = object.properties.get("object")? else {
        return None;
    };
    // The string values, `null` left out, as `string_enum` reads them.
    let mut values: Box<dyn Iterator<Item = &str>> = match &property.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            Box::new(s.enumeration.iter().flatten().map(String::as_str))
        }
        SchemaKind::Any(any) if any.typ.as_deref() == Some("string") => {
            Box::new(any.enumeration.iter().filter_map(|v| v.as_str()))
        }
        _ => return None,
    };
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value),
        _ => None,
    }
}

/// An expandable field, `anyOf: [string, $ref X, ...]` marked `x-expansionResources`: the ID, or
/// the object once expanded. Returns the `$ref`s of the objects it can expand to.
pub fn expansion_targets<'s>(
    schema: &Schema,
    alternatives: &'s [ReferenceOr<Schema>],
) -> Option<Vec<&'s str>> {
    if !schema
        .schema_data
        .extensions
        .contains_key("x-expansionResources")
    {
        return None;
    }
    let has_id = alternatives.iter().any(|a| {
        a.as_item()
            .is_some_and(|s| type_name(s) == Some("string") && enum_values(s).is_empty())
    });
    let targets: Vec<&str> = alternatives
        .iter()
        .filter_map(|a| match a {
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
            ReferenceOr::Item(_) => None,
        })
        .collect();
    (has_id && !targets.is_empty()).then_some(targets)
}

/// `enum: [""]`, the alternative that marks a request parameter as clearable: sending `""`
/// unsets the field.
pub fn is_empty_string_marker(alternative: &ReferenceOr<Schema>) -> bool {
    matches!(alternative, ReferenceOr::Item(s) if string_enum(s).is_some_and(|v| v == [""]))
}

/// A clearable ("emptyable") parameter, `anyOf: [T, enum: [""]]`: the alternatives besides the
/// marker, or `None` when there is no marker or nothing else.
pub fn emptyable_alternatives(
    alternatives: &[ReferenceOr<Schema>],
) -> Option<Vec<&ReferenceOr<Schema>>> {
    let (markers, rest): (Vec<_>, Vec<_>) =
        alternatives.iter().partition(|a| is_empty_string_marker(a));
    (!markers.is_empty() && !rest.is_empty()).then_some(rest)
}

/// The bounds of a `created`-style filter: an object whose properties are all integer `gt`,
/// `gte`, `lt` or `lte`.
pub fn is_range_bounds(object: &ObjectView) -> bool {
    !object.properties.is_empty()
        && object.properties.iter().all(|(name, schema)| {
            matches!(name.as_str(), "gt" | "gte" | "lt" | "lte")
                && matches!(schema, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_))))
        })
}

/// A `created`-style filter: `anyOf` of range bounds and an exact integer.
pub fn is_range_query(alternatives: &[ReferenceOr<Schema>]) -> bool {
    let [ReferenceOr::Item(a), ReferenceOr::Item(b)] = alternatives else {
        return false;
    };
    let bounds = |s: &Schema| object_view(s).is_some_and(|o| is_range_bounds(&o));
    let integer = |s: &Schema| matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_)));
    (bounds(a) && integer(b)) || (integer(a) && bounds(b))
}

/// Stripe's list envelope (`object: list`, `data`, `has_more`): the schema of its items.
pub fn list_item_schema(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = object_view(schema)?;
    let is_list = object.properties.get("object").is_some_and(
        |o| matches!(o, ReferenceOr::Item(s) if string_enum(s).is_some_and(|v| v == ["list"])),
    );
    if !is_list || !object.properties.contains_key("has_more") {
        return None;
    }
    match object.properties.get("data")? {
        ReferenceOr::Item(data) => array_items(data).flatten(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Stripe's search envelope (`object: search_result`, `data`, `has_more`, `next_page`): the
/// schema of its items.
pub fn search_item_schema(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = object_view(schema)?;
    let is_search = object.properties.get("object").is_some_and(|o| {
        matches!(o, ReferenceOr::Item(s) if string_enum(s).is_some_and(|v| v == ["search_result"]))
    });
    if !is_search || !object.properties.contains_key("next_page") {
        return None;
    }
    match object.properties.get("data")? {
        ReferenceOr::Item(data) => array_items(data).flatten(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The schema names of `anyOf [$ref x, $ref deleted_x]` (in either order), as Stripe answers a
/// retrieve of a resource that may have been deleted: `x` and `deleted_x`.
pub fn live_or_deleted(schema: &Schema) -> Option<(&str, &str)> {
    let (_, alternatives) = alternatives(schema)?;
    let [ReferenceOr::Reference { reference: a }, ReferenceOr::Reference { reference: b }] =
        alternatives
    else {
        return None;
    };
    let (a, b) = (schema_name(a)?, schema_name(b)?);
    if b.strip_prefix("deleted_") == Some(a) {
        Some((a, b))
    } else if a.strip_prefix("deleted_") == Some(b) {
        Some((b, a))
    } else {
        None
    }
}

/// The item schema of the v2 API's list envelope: `data` (an array), `next_page_url` and
/// `previous_page_url`.
pub fn v2_list_item_schema(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    let object = object_view(schema)?;
    if !["next_page_url", "previous_page_url"]
        .iter()
        .all(|key| object.properties.contains_key(*key))
    {
        return None;
    }
    match object.properties.get("data")? {
        ReferenceOr::Item(data) => array_items(data).flatten(),
        ReferenceOr::Reference { .. } => None,
    }
}

/// An operation's `200` response (one given by `$ref` is looked up in `components/responses`).
fn success_response<'a>(api: &'a OpenAPI, op: &'a Operation) -> Option<&'a Response> {
    match op.responses.responses.get(&StatusCode::Code(200))? {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            api.components.as_ref()?.responses.get(name)?.as_item()
        }
    }
}

/// What an operation returns: the schema of its `200` `application/json` response.
pub fn success_schema<'a>(api: &'a OpenAPI, op: &'a Operation) -> Option<&'a ReferenceOr<Schema>> {
    success_response(api, op)?
        .content
        .get("application/json")?
        .schema
        .as_ref()
}

/// Whether an operation answers with something other than JSON (a quote's PDF): a `200`
/// response with content, none of it `application/json`.
pub fn returns_binary(api: &OpenAPI, op: &Operation) -> bool {
    success_response(api, op).is_some_and(|response| {
        !response.content.is_empty() && !response.content.contains_key("application/json")
    })
}

/// The server an operation names for itself (`https://files.stripe.com`, without the trailing
/// `/`), from the operation or else its path item; `None` when it uses the spec's.
pub fn operation_server(item: &PathItem, op: &Operation) -> Option<String> {
    op.servers
        .first()
        .or(item.servers.first())
        .map(|server| server.url.trim_end_matches('/').to_string())
}
