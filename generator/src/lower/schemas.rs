//! Schema -> Rust type: component schemas become named types (structs, enums, unions, aliases),
//! inline schemas become a `TypeRef`, defining inline types as they are met. `anyOf`/`oneOf`
//! are handed to `alternatives.rs`; naming and sharing inline types is `inline.rs`'s.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::placement::Placement;
use super::{Ctx, Lowerer};
use crate::docs::markdown;
use crate::error::Result;
use crate::ir::*;
use crate::names::{self, pascal, snake, Namespace};
use crate::pointer;
use crate::schema::{
    additional_properties, all_of, alternatives, array_items, not, object_view,
    object_with_properties, string_enum, type_name, AsSchema, ObjectView,
};
use crate::stripe::{
    is_range_bounds, is_v2_error, list_item_schema, search_item_schema, stripe_format,
    v2_list_item_schema, StripeFormat,
};

impl<'a> Lowerer<'a> {
    /// Defines the named type of every component schema (and the ID newtype of each resource).
    pub(super) fn lower_components(&mut self) -> Result<()> {
        let schemas: Vec<(&'a String, &'a ReferenceOr<Schema>)> = self.type_schemas().collect();
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
                pointer: at.clone(),
                position: None,
                origin: name,
                json_request: false,
            };
            let kind = self.named_kind(schema, &ctx, &placement)?;
            if matches!(kind, TypeKind::Enum { .. }) {
                let ty = TypeRef::Named {
                    module: placement.module.clone(),
                    name: placement.name.clone(),
                };
                self.response_enums.insert(at, ty);
            }
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
                        origin: name.clone(),
                        gate: Gate::Always,
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
                    origin: name.clone(),
                    gate: Gate::Always,
                },
            );
        }
        Ok(())
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
            let object = match &placement.id {
                Some(TypeRef::Named { module, name }) => Some(ObjectImpl {
                    id_type: name.clone(),
                    id_module: module.clone(),
                    id_always_present: placement.id_always_present,
                    deleted: !placement.owns_id,
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
        if let Some((_, alternatives)) = alternatives(schema) {
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

    /// The fields of an object schema, in the spec's order, with collision-free names.
    pub(super) fn fields(&mut self, object: &ObjectView, ctx: &Ctx) -> Result<Vec<Field>> {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (wire_name, property) in object.properties {
            let child = ctx.property(wire_name);
            let (mut ty, mut nullable) = self.type_ref(property, &child)?;
            if nullable && ctx.json_request {
                // Absent, `null` or a value: three states, so `Option<Nullable<T>>`.
                ty = TypeRef::Nullable(Box::new(ty));
                nullable = false;
            }
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

    /// The type of a schema or `$ref`, and whether it is nullable.
    pub(super) fn type_ref<S: AsSchema>(
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

    /// The named type of the component schema a `$ref` names.
    pub(super) fn named_ref(&self, reference: &str, at: &str) -> Result<TypeRef> {
        let (name, _) = self.component(reference, at)?;
        if is_v2_error(name) {
            return Err(self.err(
                at,
                format!("`{name}` is a v2 error, which only error responses can name (it is lowered to `v2::ErrorCode`)"),
            ));
        }
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
        if let Some((_, alternatives)) = alternatives(schema) {
            let (ty, inner_nullable) = self.alternatives_ref(schema, alternatives, ctx)?;
            return Ok((ty, nullable || inner_nullable));
        }
        if let Some(parts) = all_of(schema) {
            return match parts {
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
        if not(schema).is_some() {
            return Err(self.err(&ctx.pointer, "`not` schemas are not supported"));
        }
        if let Some(values) = string_enum(schema) {
            if values.is_empty() {
                return Ok((TypeRef::String, nullable));
            }
            if let Some(shared) = self.shared_enum(ctx, &values) {
                return Ok((shared, nullable));
            }
            let kind = TypeKind::Enum {
                variants: enum_variants(&values),
            };
            let ty = self.define_inline(ctx, kind, doc_of(schema))?;
            if ctx.direction == Direction::Response {
                self.response_enums.insert(ctx.pointer.clone(), ty.clone());
            }
            return Ok((ty, nullable));
        }
        let ty = match stripe_format(schema) {
            Some(StripeFormat::UnixTime) => TypeRef::Timestamp,
            Some(StripeFormat::Decimal) => TypeRef::Decimal,
            Some(StripeFormat::DateTime) => TypeRef::DateTime,
            Some(StripeFormat::Binary) => TypeRef::FileUpload,
            None => self.plain_type_ref(schema, ctx)?,
        };
        Ok((ty, nullable))
    }

    /// The type of a schema that is neither a union nor an enum nor in one of Stripe's formats.
    fn plain_type_ref(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef> {
        if let Some(items) = array_items(schema) {
            // An item is one thing: `line_items` holds `…LineItem`s.
            let item_ctx = Ctx {
                hint: names::singular(&ctx.hint),
                ..ctx.child("items")
            };
            let item = match items {
                Some(items) => self.type_ref(items, &item_ctx)?.0,
                None => TypeRef::Json,
            };
            return Ok(TypeRef::Vec(Box::new(item)));
        }
        let typ = type_name(schema);
        if matches!(typ, Some("object") | None) {
            if let Some(object) = object_with_properties(schema) {
                return self.object_ref(schema, &object, ctx);
            }
        }
        Ok(match typ {
            Some("string") => self.shared_id(ctx).unwrap_or(TypeRef::String),
            Some("integer") => TypeRef::Int,
            Some("number") => TypeRef::Float,
            Some("boolean") => TypeRef::Bool,
            Some("object") => self.map_ref(additional_properties(schema), ctx)?,
            None => TypeRef::Json,
            Some(other) => {
                return Err(self.err(&ctx.pointer, format!("unsupported schema type `{other}`")))
            }
        })
    }

    /// An `additionalProperties` object: a map with string keys, or any JSON object.
    fn map_ref(&mut self, additional: Option<&AdditionalProperties>, ctx: &Ctx) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(values)) => {
                let (value, _) =
                    self.type_ref(values.as_ref(), &ctx.detached("additionalProperties"))?;
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        })
    }

    /// An inline object with properties: a range filter, a list envelope, or a struct of its own.
    /// A parameter that takes only range bounds is a `RangeQuery` all the same, so one type
    /// serves every `created` filter.
    fn object_ref(&mut self, schema: &Schema, object: &ObjectView, ctx: &Ctx) -> Result<TypeRef> {
        if is_range_bounds(object) {
            return Ok(match ctx.direction {
                Direction::Request => TypeRef::RangeQuery,
                Direction::Response => TypeRef::RangeBounds,
            });
        }
        // Stripe's page envelopes: v1 lists, v2 lists and searches.
        let envelopes: [(_, PageEnvelope); 3] = [
            (list_item_schema(schema), TypeRef::List),
            (v2_list_item_schema(schema), TypeRef::V2List),
            (search_item_schema(schema), TypeRef::SearchList),
        ];
        if let Some((item, envelope)) = envelopes
            .into_iter()
            .find_map(|(item, envelope)| item.map(|item| (item, envelope)))
        {
            let data = Ctx {
                hint: names::singular(&ctx.hint),
                ..ctx.detached("properties").child("data").child("items")
            };
            let (item, _) = self.type_ref(item, &data)?;
            return Ok(envelope(Box::new(item)));
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
}

/// The variants of a string enum: one per value, named after the value alone (so adding a value
/// never renames another), never the catch-all's name.
pub(super) fn enum_variants(values: &[String]) -> Vec<Variant> {
    let mut names = Namespace::with_reserved(&[CATCH_ALL_VARIANT]);
    values
        .iter()
        .map(|value| Variant {
            name: names.claim(variant_name(value)),
            wire_name: value.clone(),
        })
        .collect()
}

/// A value's variant name: `*` is `All`; the signs of `Etc/GMT+2` and `Etc/GMT-2` are spelled
/// out (`EtcGmtPlus2`, `EtcGmtMinus2`), as the two would otherwise read the same.
pub(super) fn variant_name(value: &str) -> String {
    if value == "*" {
        return "All".to_string();
    }
    let mut spelled = String::with_capacity(value.len());
    let mut previous = None;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            '+' => spelled.push_str("_plus_"),
            '-' if next_is_digit && previous.is_some_and(|p: char| p.is_ascii_alphabetic()) => {
                spelled.push_str("_minus_")
            }
            _ => spelled.push(c),
        }
        previous = Some(c);
    }
    let name = pascal(&spelled);
    if name == CATCH_ALL_VARIANT {
        format!("{name}Value")
    } else {
        name
    }
}

/// The rustdoc of a schema, from its description.
pub(super) fn doc_of(schema: &Schema) -> String {
    schema
        .schema_data
        .description
        .as_deref()
        .map(markdown)
        .unwrap_or_default()
}

/// A page envelope's type, from its item's.
type PageEnvelope = fn(Box<TypeRef>) -> TypeRef;
