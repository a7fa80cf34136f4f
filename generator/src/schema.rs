//! Reading an OpenAPI schema whichever way `openapiv3` parsed it: as a typed kind
//! (`SchemaKind::Type(..)`) or, when its keywords mix (`type` beside `anyOf`, say), as
//! `SchemaKind::Any`. Lowering and spec-diff both read schemas through these functions, so they
//! see the same object, enum or union in the same schema.
//!
//! Nothing here knows Stripe's conventions (that is `stripe.rs`) or Rust (that is `lower/`).

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

/// The parts of an object schema.
pub struct ObjectView<'s> {
    pub properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub required: &'s [String],
}

/// An object schema: one with properties, or a `type: object` with neither properties nor
/// `additionalProperties` (a struct without fields). `None` for maps, unions and everything else.
pub fn object_view(schema: &Schema) -> Option<ObjectView<'_>> {
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

/// An object schema with at least one property. Inline, a schema without properties is a JSON
/// object (or a map), not a struct.
pub fn object_with_properties(schema: &Schema) -> Option<ObjectView<'_>> {
    object_view(schema).filter(|object| !object.properties.is_empty())
}

/// The keyword that lists a schema's alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinator {
    AnyOf,
    OneOf,
}

impl Combinator {
    pub fn keyword(self) -> &'static str {
        match self {
            Self::AnyOf => "anyOf",
            Self::OneOf => "oneOf",
        }
    }
}

/// The alternatives of an `anyOf` or `oneOf` schema.
pub fn alternatives(schema: &Schema) -> Option<(Combinator, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } => Some((Combinator::AnyOf, any_of)),
        SchemaKind::OneOf { one_of } => Some((Combinator::OneOf, one_of)),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some((Combinator::AnyOf, &any.any_of)),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some((Combinator::OneOf, &any.one_of)),
        _ => None,
    }
}

/// The parts of an `allOf` schema.
pub fn all_of(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(any) if !any.all_of.is_empty() => Some(&any.all_of),
        _ => None,
    }
}

/// The negated schema of a `not` schema.
pub fn not(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    match &schema.schema_kind {
        SchemaKind::Not { not } => Some(not),
        SchemaKind::Any(any) => any.not.as_deref(),
        _ => None,
    }
}

/// The schema's `type`, if it states one.
pub fn type_name(schema: &Schema) -> Option<&str> {
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

/// A `format` that OpenAPI does not define itself (Stripe's `unix-time` and `decimal`). The ones
/// it defines (`binary`, `date-time`, ...) change nothing in the generated types.
pub fn custom_format(schema: &Schema) -> Option<&str> {
    fn unknown<T>(format: &VariantOrUnknownOrEmpty<T>) -> Option<&str> {
        match format {
            VariantOrUnknownOrEmpty::Unknown(f) => Some(f),
            _ => None,
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => unknown(&s.format),
        SchemaKind::Type(Type::Integer(i)) => unknown(&i.format),
        SchemaKind::Type(Type::Number(n)) => unknown(&n.format),
        SchemaKind::Any(any) => any.format.as_deref(),
        _ => None,
    }
}

/// The values of a string enum (without `null`), or `None` when the schema is no string enum.
pub fn string_enum(schema: &Schema) -> Option<Vec<String>> {
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

/// The schema's own enum values of any type, `null` left out, as text.
pub fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(i)) => texts(&i.enumeration),
        SchemaKind::Type(Type::Number(n)) => texts(&n.enumeration),
        SchemaKind::Type(Type::Boolean(b)) => texts(&b.enumeration),
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

fn texts<T: ToString>(values: &[Option<T>]) -> Vec<String> {
    values.iter().flatten().map(ToString::to_string).collect()
}

/// `Some(items)` for an array schema (`Some(None)` when it has no `items`).
pub fn array_items(schema: &Schema) -> Option<Option<&ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => Some(array.items.as_ref()),
        SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => Some(any.items.as_ref()),
        _ => None,
    }
}

/// The `additionalProperties` of an object schema.
pub fn additional_properties(schema: &Schema) -> Option<&AdditionalProperties> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }
}

/// Lets one function take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>` (properties
/// and items are boxed, alternatives are not).
pub trait AsSchema {
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
