//! The v2 API's errors: Stripe describes each error `code` as a schema of its own
//! (`v2.error.not_found`, 135 of them), referenced only by error responses. They become one
//! string enum, `v2::ErrorCode`, which a caller matches an error's `code` against, instead of a
//! struct per code that nothing would return.

use openapiv3::ReferenceOr;

use super::placement::namespace_module;
use super::schemas::enum_variants;
use super::Lowerer;
use crate::ir::*;
use crate::stripe::{is_v2_error, v2_error_code};

/// The namespace of the v2 error schemas, whose module holds `ErrorCode`.
const V2_NAMESPACE: &str = "v2";

impl<'a> Lowerer<'a> {
    /// Defines `v2::ErrorCode` when the spec has v2 error schemas, and returns its key (module,
    /// name), for a type compiled whatever the module features: errors come from every call.
    pub(super) fn lower_v2_errors(&mut self) -> Option<(String, String)> {
        let mut codes: Vec<String> = self
            .schemas()
            .filter(|(name, _)| is_v2_error(name))
            .filter_map(|(_, schema)| match schema {
                ReferenceOr::Item(schema) => v2_error_code(schema),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        if codes.is_empty() {
            return None;
        }
        codes.sort();
        codes.dedup();
        let module = namespace_module(V2_NAMESPACE);
        let builder = self.modules.entry(module.clone()).or_default();
        let name = builder.names.claim("ErrorCode".to_string());
        self.push_type(
            &module,
            TypeDef {
                name: name.clone(),
                doc: "The `code` of an error the v2 API answers with, one variant per code \
                      Stripe documents: match an error against it with \
                      `error.api_error().and_then(|e| e.code.as_deref()).map(|code| \
                      code.parse::<ErrorCode>())`."
                    .into(),
                deprecated: false,
                kind: TypeKind::Enum {
                    variants: enum_variants(&codes),
                },
                direction: Direction::Response,
                origin: "v2.error".into(),
                gate: Gate::Always,
            },
        );
        Some((module, name))
    }
}
