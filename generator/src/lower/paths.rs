//! Which operations a spec has: every path item's operations (any HTTP method), checked for what
//! lowering relies on (operations given inline; path parameters that match the path template),
//! each with the module it belongs to and a unique, stable name. Lowering them is
//! `operations.rs`'s job.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use openapiv3::{Parameter, ReferenceOr};

use super::Lowerer;
use crate::error::{spec_defect, Result};
use crate::ir::Method;
use crate::pointer;
use crate::stripe::{module_for_path, operation_server};

/// One HTTP operation as found in `paths`, before lowering.
pub(super) struct RawOperation<'a> {
    pub pointer: String,
    pub path: &'a str,
    pub method: Method,
    pub module: String,
    /// The name lowering gives the operation where it needs one: the spec's `operationId`
    /// when no other operation has it, else the name Stripe's own operationIds are made of
    /// (see [`path_operation_id`]).
    pub operation_id: String,
    pub op: &'a openapiv3::Operation,
    /// The operation's own server, when it or its path item has one.
    pub server: Option<String>,
}

impl<'a> Lowerer<'a> {
    /// Gathers every operation, of any HTTP method, checking what lowering relies on: path
    /// parameters that match the path template. Each gets a name unique in the spec: see
    /// [`RawOperation::operation_id`].
    pub(super) fn collect_operations(&mut self) -> Result<()> {
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
            let module = module_for_path(path);
            let operations = [
                &item.get,
                &item.put,
                &item.post,
                &item.delete,
                &item.options,
                &item.head,
                &item.patch,
                &item.trace,
            ];
            for ((method, name), op) in Method::ALL.into_iter().zip(operations) {
                let Some(op) = op else { continue };
                let op_pointer = pointer::push(&path_pointer, name);
                self.check_path_params(path, op, &op_pointer)?;
                self.raw_ops.push(RawOperation {
                    pointer: op_pointer,
                    path,
                    method,
                    module: module.clone(),
                    operation_id: op.operation_id.clone().unwrap_or_default(),
                    op,
                    server: operation_server(item, op),
                });
            }
        }
        assign_operation_ids(&mut self.raw_ops);
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
                    let problem = format!(
                        "path parameter `{}` does not occur in the path template `{path}`",
                        parameter_data.name
                    );
                    let target = pointer::to_json_path(&param_at);
                    return Err(self.err(param_at, spec_defect(&problem, &target, "remove: true")));
                }
                declared.insert(parameter_data.name.as_str());
            }
        }
        if let Some(missing) = in_template.difference(&declared).next() {
            let problem = format!("`{{{missing}}}` in the path template has no path parameter");
            let update = format!(
                "update: {{parameters: [{{name: {missing}, in: path, required: true, schema: {{type: \
                 string}}}}]}}"
            );
            return Err(self.err(
                format!("{at}/parameters"),
                spec_defect(&problem, &pointer::to_json_path(at), &update),
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

/// Gives every operation a name no other operation has. An operationId that one operation alone
/// has is kept. Operations that share one (releases until 2019 give
/// `POST /v1/account/bank_accounts` and `POST /v1/account/external_accounts` the same), or have
/// none, are all named from method and path instead, as Stripe's own operationIds are
/// ([`path_operation_id`]): the name depends only on the operation itself, never on which of the
/// sharing operations comes first, so no order of paths renames a call. Should even those
/// coincide (`/v1/a_b` and `/v1/a/b`), numbering in path order settles it.
fn assign_operation_ids(ops: &mut [RawOperation]) {
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops.iter() {
        *uses.entry(op.operation_id.clone()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = uses
        .iter()
        .filter(|(id, count)| **count == 1 && !id.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    for op in ops.iter_mut() {
        if uses[&op.operation_id] == 1 && !op.operation_id.is_empty() {
            continue;
        }
        let base = path_operation_id(op.method, op.path);
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        op.operation_id = candidate;
    }
}

/// The operationId Stripe's specs would give an operation: the method, then every path segment
/// (`{parameter}`s without their braces), in PascalCase: `POST /v1/account/bank_accounts` ->
/// `PostAccountBankAccounts`, `PUT /v1/accounts/{account}/logout` -> `PutAccountsAccountLogout`.
pub(crate) fn path_operation_id(method: Method, path: &str) -> String {
    let mut id = method.variant().to_string();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if crate::stripe::is_version_segment(segment) {
            continue;
        }
        id.push_str(&segment.trim_matches(['{', '}']).to_upper_camel_case());
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_from_method_and_path_spell_stripes() {
        for (method, path, expected) in [
            (
                Method::Post,
                "/v1/account/bank_accounts",
                "PostAccountBankAccounts",
            ),
            (
                Method::Put,
                "/v1/accounts/{account}/logout",
                "PutAccountsAccountLogout",
            ),
            (
                Method::Get,
                "/v1/3d_secure/{three_d_secure}",
                "Get3dSecureThreeDSecure",
            ),
            (
                Method::Delete,
                "/v1/customers/{customer}/discount",
                "DeleteCustomersCustomerDiscount",
            ),
        ] {
            assert_eq!(path_operation_id(method, path), expected);
        }
    }
}
