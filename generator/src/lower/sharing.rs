//! Request parameters that take a type the response already has, by position: a parameter at
//! the same place as a response field of the call's resource (`type` of create verification
//! session and the session's `type`) uses that field's enum, and one that names an expandable
//! field's object (`product` of create climate order) takes that object's ID type, as do the
//! list cursors `starting_after` and `ending_before`. Sharing follows position, not content, so
//! a value added on one side changes no type on the other; values only requests send are added
//! to the shared enum.

use openapiv3::{ReferenceOr, Schema};

use super::{Ctx, Lowerer, Position};
use crate::ir::*;
use crate::names::Namespace;
use crate::pointer;
use crate::schema::{all_of, alternatives, array_items, object_view};
use crate::stripe::{expansion_targets, schema_name};

impl<'a> Lowerer<'a> {
    /// The enum a request enum at `ctx` shares, if any, noting the values it adds.
    pub(super) fn shared_enum(&mut self, ctx: &Ctx, values: &[String]) -> Option<TypeRef> {
        if ctx.direction != Direction::Request {
            return None;
        }
        let ty = self.event_type_param(ctx).or_else(|| {
            let (pointer, _) = self.response_counterpart(ctx.position.as_ref()?)?;
            self.response_enums.get(&pointer).cloned()
        })?;
        let extras = self.enum_extras.entry(ty.clone()).or_default();
        for value in values {
            if !extras.contains(value) {
                extras.push(value.clone());
            }
        }
        Some(ty)
    }

    /// The ID type a request string at `ctx` takes, if any.
    pub(super) fn shared_id(&self, ctx: &Ctx) -> Option<TypeRef> {
        if ctx.direction != Direction::Request {
            return None;
        }
        let position = ctx.position.as_ref()?;
        if matches!(position.path.as_slice(), [cursor] if cursor == "starting_after" || cursor == "ending_before")
        {
            let owner = self.placements.get(&position.owner)?;
            return owner
                .id
                .clone()
                .filter(|_| owner.owns_id && owner.id_always_present);
        }
        let (_, schema) = self.response_counterpart(position)?;
        let (_, alternatives) = alternatives(schema)?;
        let targets = expansion_targets(schema, alternatives)?;
        let [target] = targets.as_slice() else {
            return None;
        };
        let placement = self.placements.get(schema_name(target)?)?;
        placement.id.clone().filter(|_| placement.owns_id)
    }

    /// The response schema at a parameter's position in its resource, with its JSON pointer: the
    /// path's properties followed through `$ref`s and single alternatives, into array items.
    fn response_counterpart(&self, position: &Position) -> Option<(String, &'a Schema)> {
        let (mut at, mut schema) = self.component_at(&position.owner)?;
        for name in &position.path {
            let (object_at, object) = self.unwrap(at, schema)?;
            let property = object_view(object)?.properties.get(name)?;
            (at, schema) = match property {
                ReferenceOr::Reference { reference } => {
                    self.component_at(schema_name(reference)?)?
                }
                ReferenceOr::Item(item) => {
                    let at = pointer::push(&pointer::push(&object_at, "properties"), name);
                    (at, item.as_ref())
                }
            };
        }
        let (at, schema) = self.unwrap(at, schema)?;
        match array_items(schema) {
            Some(Some(ReferenceOr::Reference { reference })) => {
                self.component_at(schema_name(reference)?)
            }
            Some(Some(ReferenceOr::Item(items))) => {
                Some((pointer::push(&at, "items"), items.as_ref()))
            }
            _ => Some((at, schema)),
        }
    }

    /// Looks through a single alternative (`anyOf: [$ref X]`, nullable) or `allOf` part.
    fn unwrap(&self, at: String, schema: &'a Schema) -> Option<(String, &'a Schema)> {
        let single = match (alternatives(schema), all_of(schema)) {
            (Some((_, [single])), _) | (_, Some([single])) => single,
            _ => return Some((at, schema)),
        };
        match single {
            ReferenceOr::Reference { reference } => self.component_at(schema_name(reference)?),
            ReferenceOr::Item(item) => Some((at, item)),
        }
    }

    fn component_at(&self, name: &str) -> Option<(String, &'a Schema)> {
        let schema = self.api.components.as_ref()?.schemas.get(name)?.as_item()?;
        Some((pointer::push("#/components/schemas", name), schema))
    }

    /// Adds to each shared enum the values only requests send, after the response's own (so no
    /// existing variant is renamed).
    pub(super) fn add_enum_extras(&mut self) {
        for (ty, values) in std::mem::take(&mut self.enum_extras) {
            let TypeRef::Named { module, name } = &ty else {
                continue;
            };
            let Some(def) = self
                .modules
                .get_mut(module)
                .and_then(|m| m.types.iter_mut().find(|def| def.name == *name))
            else {
                continue;
            };
            let TypeKind::Enum { variants } = &mut def.kind else {
                continue;
            };
            let mut taken: Vec<&str> = vec![CATCH_ALL_VARIANT];
            taken.extend(variants.iter().map(|v| v.name.as_str()));
            let mut names = Namespace::with_reserved(&taken);
            let added: Vec<Variant> = values
                .iter()
                .filter(|value| !variants.iter().any(|v| v.wire_name == **value))
                .map(|value| Variant {
                    name: names.claim(super::schemas::variant_name(value)),
                    wire_name: value.clone(),
                })
                .collect();
            variants.extend(added);
        }
    }
}
