//! Inline types (an object, enum or union written inside another schema): named after where
//! they occur (owner + field), never shared by content, so a type's name and every field's type
//! depend only on their own place in the spec.

use super::{Ctx, Lowerer};
use crate::error::Result;
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Defines an inline type under the context's name. Should a component schema already have
    /// that name, the inline type says what it is (`…Details`, `…Enum`, `…Union`): components are
    /// named first, so the choice does not depend on the order types are met.
    pub(super) fn define_inline(
        &mut self,
        ctx: &Ctx,
        kind: TypeKind,
        doc: String,
    ) -> Result<TypeRef> {
        let is_enum = matches!(kind, TypeKind::Enum { .. });
        let module = self.modules.entry(ctx.module.to_string()).or_default();
        let name = if module.names.is_free(&ctx.hint) {
            module.names.claim(ctx.hint.clone())
        } else {
            let kind_word = match kind {
                TypeKind::Enum { .. } => "Enum",
                TypeKind::Union { .. } => "Union",
                _ => "Details",
            };
            module.names.claim(format!("{}{kind_word}", ctx.hint))
        };
        module.types.push(TypeDef {
            name: name.clone(),
            doc,
            deprecated: false,
            kind,
            // Enums work the same both ways: a request's enum can be deserialized too.
            direction: if is_enum {
                Direction::Response
            } else {
                ctx.direction
            },
            origin: ctx.origin.to_string(),
            gate: Gate::Always,
        });
        Ok(TypeRef::Named {
            module: ctx.module.to_string(),
            name,
        })
    }
}
