//! The normalized description of a schema's type (`string`, `expandable<customer>`,
//! `list<charge>`, `emptyable<map<string>>`, ...) that two specs are compared by. It names each of
//! Stripe's conventions as `stripe.rs` recognises them, so a change of description is a change of
//! the generated Rust type.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::MAX_DEPTH;
use crate::schema::{
    additional_properties, all_of, alternatives, array_items, enum_values, not, object_view,
    object_with_properties, type_name, Combinator,
};
use crate::stripe::{
    emptyable_alternatives, expansion_targets, list_item_schema, schema_name, stripe_format,
    StripeFormat,
};

/// Like [`describe_ref`], except that an object schema without properties or
/// `additionalProperties` is `object`: as a component it becomes a struct (with no fields), not a
/// JSON object as it does inline.
pub(super) fn describe_component(schema: &ReferenceOr<Schema>) -> Desc {
    if let ReferenceOr::Item(s) = schema {
        if object_view(s).is_some() && object_with_properties(s).is_none() {
            return Desc {
                shape: "object".to_string(),
                nullable: s.schema_data.nullable,
                enum_values: None,
            };
        }
    }
    describe_ref(schema, 0)
}
/// The normalized type of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Desc {
    /// `string`, `enum`, `array<X>`, `expandable<customer>`, ...
    pub shape: String,
    pub nullable: bool,
    /// The enum values (`null` left out), when the schema, its array items or its alternatives
    /// are enums.
    pub enum_values: Option<BTreeSet<String>>,
}

impl Desc {
    pub(super) fn plain(shape: impl Into<String>) -> Self {
        Self {
            shape: shape.into(),
            nullable: false,
            enum_values: None,
        }
    }
}

pub(super) fn describe_ref<S: Borrow<Schema>>(schema: &ReferenceOr<S>, depth: usize) -> Desc {
    match schema {
        ReferenceOr::Reference { reference } => Desc::plain(ref_name(reference)),
        ReferenceOr::Item(schema) => describe(schema.borrow(), depth),
    }
}

fn ref_name(reference: &str) -> String {
    schema_name(reference).unwrap_or(reference).to_string()
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
        Some("string" | "integer") if stripe_format(schema) == Some(StripeFormat::UnixTime) => {
            "timestamp".to_string()
        }
        Some("string") if stripe_format(schema) == Some(StripeFormat::Decimal) => {
            "decimal".to_string()
        }
        Some("string") => "string".to_string(),
        Some("integer") => "integer".to_string(),
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
        Some("object") | None if object_with_properties(schema).is_some() => {
            match list_item_schema(schema) {
                Some(item) => format!("list<{}>", describe_ref(item, depth + 1).shape),
                None => "object".to_string(),
            }
        }
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
    combinator: Combinator,
    alternatives: &[ReferenceOr<Schema>],
    depth: usize,
) -> Desc {
    if let Some(targets) = expansion_targets(schema, alternatives) {
        let targets: Vec<String> = targets.into_iter().map(ref_name).collect();
        return Desc::plain(format!("expandable<{}>", targets.join(" | ")));
    }
    let emptyable = emptyable_alternatives(alternatives);
    let rest = emptyable
        .clone()
        .unwrap_or_else(|| alternatives.iter().collect());
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
                shape: format!("{}<{}>", combinator.keyword(), shapes.join(" | ")),
                nullable: false,
                enum_values: values,
            }
        }
    };
    if emptyable.is_some() {
        desc.shape = format!("emptyable<{}>", desc.shape);
    }
    desc
}
