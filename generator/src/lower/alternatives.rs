//! `anyOf`/`oneOf` schemas: which of Stripe's conventions each is (an expandable field, a
//! clearable parameter, a `created` filter, a nullable reference), and unions of the rest, with
//! their variants named.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{join_without_repeat, Ctx, Lowerer};
use crate::error::Result;
use crate::ir::*;
use crate::names::{pascal, Namespace};
use crate::stripe::{
    constant_object, emptyable_alternatives, expansion_targets, is_range_query, live_or_deleted,
};

impl<'a> Lowerer<'a> {
    /// The type of an `anyOf`/`oneOf` schema, and whether it is nullable.
    pub(super) fn alternatives_ref(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        ctx: &Ctx,
    ) -> Result<(TypeRef, bool)> {
        if let Some(expandable) = self.expandable(schema, alternatives, ctx)? {
            return Ok((expandable, false));
        }
        if let Some(rest) = emptyable_alternatives(alternatives) {
            // Only parameters can be cleared; a response's `""` is an ordinary value.
            if ctx.direction == Direction::Request {
                let inner = match rest.as_slice() {
                    [single] => self.type_ref(*single, ctx)?.0,
                    _ => {
                        let rest: Vec<ReferenceOr<Schema>> = rest.into_iter().cloned().collect();
                        self.union_ref(&rest, ctx)?
                    }
                };
                return Ok((TypeRef::Emptyable(Box::new(inner)), false));
            }
        }
        if let [single] = alternatives {
            return self.type_ref(single, ctx);
        }
        if let Some((live, deleted)) = live_or_deleted(schema) {
            let at = |name: &str| format!("#/components/schemas/{name}");
            return Ok((
                TypeRef::Deletable {
                    live: Box::new(self.named_ref(&at(live), &ctx.pointer)?),
                    deleted: Box::new(self.named_ref(&at(deleted), &ctx.pointer)?),
                },
                false,
            ));
        }
        if is_range_query(alternatives) {
            return Ok((TypeRef::RangeQuery, false));
        }
        Ok((self.union_ref(alternatives, ctx)?, false))
    }

    /// An expandable field with a single target that is a resource, or a resource and its
    /// deleted form: `Expandable<X>` (or `Expandable<X, DeletedX>`), holding the ID, the
    /// expanded object (or its deleted form). Several resources make an ordinary union.
    fn expandable(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        ctx: &Ctx,
    ) -> Result<Option<TypeRef>> {
        let Some(targets) = expansion_targets(schema, alternatives) else {
            return Ok(None);
        };
        let mut names = Vec::new();
        for reference in &targets {
            names.push((self.component(reference, &ctx.pointer)?.0, *reference));
        }
        let (live, deleted) = match names.as_slice() {
            [live] => (*live, None),
            [a, b] if b.0.strip_prefix("deleted_") == Some(a.0) => (*a, Some(*b)),
            [a, b] if a.0.strip_prefix("deleted_") == Some(b.0) => (*b, Some(*a)),
            _ => return Ok(None),
        };
        let placement = &self.placements[live.0];
        if !placement.owns_id {
            return Ok(None);
        }
        let id = placement.id.clone().unwrap_or(TypeRef::String);
        let object = self.named_ref(live.1, &ctx.pointer)?;
        let deleted = match deleted {
            Some((_, reference)) => Some(Box::new(self.named_ref(reference, &ctx.pointer)?)),
            None => None,
        };
        Ok(Some(TypeRef::Expandable {
            object: Box::new(object),
            id: Box::new(id),
            deleted,
        }))
    }

    /// An inline union, defined under the context's name.
    fn union_ref(&mut self, alternatives: &[ReferenceOr<Schema>], ctx: &Ctx) -> Result<TypeRef> {
        let kind = self.union_kind(alternatives, ctx)?;
        self.define_inline(ctx, kind, String::new())
    }

    /// A union's variants, one per alternative. It dispatches on `object` when every alternative
    /// has its own constant `object` value; otherwise alternatives are tried in order.
    pub(super) fn union_kind(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        ctx: &Ctx,
    ) -> Result<TypeKind> {
        let mut names = Namespace::with_reserved(&[CATCH_ALL_VARIANT]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let (label, object) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let (name, schema) = self.component(reference, &ctx.pointer)?;
                    let label = self.placements[name].name.clone();
                    // Two modules' `Account`s in one union: the later is named in full.
                    let label = if names.is_free(&label) {
                        label
                    } else {
                        pascal(name)
                    };
                    (label, constant_object(schema).map(str::to_owned))
                }
                ReferenceOr::Item(schema) => (
                    variant_label(schema),
                    constant_object(schema).map(str::to_owned),
                ),
            };
            let child = Ctx {
                module: ctx.module,
                hint: join_without_repeat(&ctx.hint, &label),
                direction: ctx.direction,
                pointer: format!("{}/anyOf/{index}", ctx.pointer),
                position: None,
                origin: ctx.origin,
                json_request: ctx.json_request,
            };
            let (ty, _) = self.type_ref(alternative, &child)?;
            variants.push(UnionVariant {
                name: names.claim(label),
                ty,
                object,
                gate: Gate::Always,
                accepts: Vec::new(),
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
}

/// A variant name for an inline alternative of a union: its title, else its type.
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
