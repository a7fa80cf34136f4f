//! Which operations a spec has: every path item's operations, checked for what lowering relies
//! on (operations given inline, an operationId each, unique; path parameters that match the path
//! template), each with the module it belongs to. Lowering them is `operations.rs`'s job.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ReferenceOr};

use super::Lowerer;
use crate::error::Result;
use crate::ir::Method;
use crate::pointer;
use crate::stripe::module_for_path;

/// One HTTP operation as found in `paths`, before lowering.
pub(super) struct RawOperation<'a> {
    pub pointer: String,
    pub path: &'a str,
    pub method: Method,
    pub module: String,
    pub op: &'a openapiv3::Operation,
}

impl<'a> Lowerer<'a> {
    /// Gathers every operation, checking what lowering relies on: supported methods, unique
    /// operationIds, and path parameters that match the path template.
    pub(super) fn collect_operations(&mut self) -> Result<()> {
        let mut operation_ids: BTreeMap<&str, String> = BTreeMap::new();
        for (path, item) in &self.api.paths.paths {
            let path_pointer = pointer::push("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(
                        self.err(path_pointer, "path items given by `$ref` are not supported")
                    )
                }
            };
            let unsupported = [
                ("put", &item.put),
                ("patch", &item.patch),
                ("head", &item.head),
                ("options", &item.options),
                ("trace", &item.trace),
            ];
            if let Some((name, _)) = unsupported.iter().find(|(_, op)| op.is_some()) {
                return Err(self.err(
                    pointer::push(&path_pointer, name),
                    format!("HTTP method `{name}` is not used by Stripe and not supported"),
                ));
            }
            let module = module_for_path(path);
            for (method, name, op) in [
                (Method::Get, "get", &item.get),
                (Method::Post, "post", &item.post),
                (Method::Delete, "delete", &item.delete),
            ] {
                let Some(op) = op else { continue };
                let op_pointer = pointer::push(&path_pointer, name);
                let Some(operation_id) = op.operation_id.as_deref() else {
                    return Err(self.err(op_pointer, "operation has no `operationId`"));
                };
                if let Some(first) = operation_ids.insert(operation_id, op_pointer.clone()) {
                    return Err(self.err(
                        pointer::push(&op_pointer, "operationId"),
                        format!("duplicate operationId `{operation_id}` (first used at {first})"),
                    ));
                }
                self.check_path_params(path, op, &op_pointer)?;
                self.raw_ops.push(RawOperation {
                    pointer: op_pointer,
                    path,
                    method,
                    module: module.clone(),
                    op,
                });
            }
        }
        Ok(())
    }

    fn check_path_params(&self, path: &str, op: &openapiv3::Operation, at: &str) -> Result<()> {
        let in_template: BTreeSet<&str> = template_params(path).collect();
        let mut declared = BTreeSet::new();
        for (index, parameter) in op.parameters.iter().enumerate() {
            let param_at = format!("{at}/parameters/{index}");
            let parameter = self.parameter(parameter, &param_at)?;
            if let Parameter::Path { parameter_data, .. } = parameter {
                if !in_template.contains(parameter_data.name.as_str()) {
                    return Err(self.err(
                        param_at,
                        format!(
                            "path parameter `{}` does not occur in the path template `{path}`",
                            parameter_data.name
                        ),
                    ));
                }
                declared.insert(parameter_data.name.as_str());
            }
        }
        if let Some(missing) = in_template.difference(&declared).next() {
            return Err(self.err(
                format!("{at}/parameters"),
                format!("`{{{missing}}}` in the path template has no path parameter"),
            ));
        }
        Ok(())
    }
}

/// The `{name}`s of a path template.
pub(super) fn template_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}
