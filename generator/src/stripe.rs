//! Stripe's conventions, recognised in a spec: the patterns its OpenAPI documents use for
//! resources, expandable fields, clearable parameters, list envelopes, `created` filters and
//! object unions, and where an operation's module comes from. Each convention is recognised
//! here and only here; lowering (`lower/`) decides what Rust each one becomes, and spec-diff
//! (`diff/`) describes changes in the same terms, so the two never read a spec differently.
//!
//! These functions only answer questions about the spec; they build no names and no types.

use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::names::module_name;
use crate::schema::{
    array_items, custom_format, enum_values, object_view, string_enum, type_name, ObjectView,
};

/// Where component schemas live; a `$ref` elsewhere is not one of Stripe's.
const SCHEMAS: &str = "#/components/schemas/";

/// The media types of request bodies Stripe's API reads, in order of preference. File uploads
/// (`/v1/files`) declare `multipart/form-data`; their parameters are form fields all the same.
pub const FORM_MEDIA_TYPES: [&str; 2] =
    ["application/x-www-form-urlencoded", "multipart/form-data"];

/// Stripe's own `format`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeFormat {
    /// `format: unix-time` on an integer or a string: seconds since the Unix epoch.
    UnixTime,
    /// `format: decimal` on a string: a decimal number sent as text, every digit kept.
    Decimal,
}

/// The Stripe format of a scalar schema, if it has one.
pub fn stripe_format(schema: &Schema) -> Option<StripeFormat> {
    match (type_name(schema)?, custom_format(schema)?) {
        ("string" | "integer", "unix-time") => Some(StripeFormat::UnixTime),
        ("string", "decimal") => Some(StripeFormat::Decimal),
        _ => None,
    }
}

/// The component schema a `$ref` names (`#/components/schemas/customer` -> `customer`).
pub fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMAS)
}

/// The module of an operation: the first path segment after the version, `/v1/identity/...` ->
/// `identity` (`root` for a path with no other segment; see [`module_name`] for the names the
/// crate root keeps).
pub fn module_for_path(path: &str) -> String {
    let segment = path
        .split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version_segment(s))
        .unwrap_or("root");
    module_name(segment)
}

/// `v1`, `v2`: the API version at the start of a path.
pub fn is_version_segment(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

/// The `x-resourceId` of a schema (`identity.verification_session`): Stripe's name for the
/// resource it describes.
pub fn resource_id(schema: &Schema) -> Option<&str> {
    schema
        .schema_data
        .extensions
        .get("x-resourceId")
        .and_then(|id| id.as_str())
        .filter(|id| !id.is_empty())
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
pub fn constant_object(schema: &Schema) -> Option<String> {
    let object = object_view(schema)?;
    let ReferenceOr::Item(property) = object.properties.get("object")? else {
        return None;
    };
    match string_enum(property)?.as_slice() {
        [value] => Some(value.clone()),
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

/// What an operation returns: the schema of its `200` `application/json` response (a response
/// given by `$ref` is looked up in `components/responses`).
pub fn success_schema<'a>(api: &'a OpenAPI, op: &'a Operation) -> Option<&'a ReferenceOr<Schema>> {
    let response = match op.responses.responses.get(&StatusCode::Code(200))? {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            api.components.as_ref()?.responses.get(name)?.as_item()?
        }
    };
    response.content.get("application/json")?.schema.as_ref()
}
