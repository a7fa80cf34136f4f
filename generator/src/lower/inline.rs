//! Inline types (an object, enum or union written inside another schema): named after where
//! they occur (owner + field), and shared when a request repeats an identical type.

use super::events::EVENTS_MODULE;
use super::{Ctx, Lowerer};
use crate::error::Result;
use crate::ir::*;

/// What makes two inline types interchangeable: their content, and for types other than enums
/// (which work the same both ways) their direction.
pub(super) type ContentKey = (Option<Direction>, TypeKind);

impl<'a> Lowerer<'a> {
    /// Defines an inline type under the context's name. Request types reuse an identical type
    /// already defined in the module (create and update calls repeat their nested parameters);
    /// response types keep their own name, so a field's type is always named after its owner.
    pub(super) fn define_inline(
        &mut self,
        ctx: &Ctx,
        kind: TypeKind,
        doc: String,
    ) -> Result<TypeRef> {
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
}
