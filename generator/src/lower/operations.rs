//! Operations -> calls: which resource each belongs to, what each call is named (`list`,
//! `create`, `retrieve`, `update`, `delete`, or the path's trailing action such as `cancel`),
//! and its path parameters, parameter struct and response type.

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::paths::template_params;
use super::paths::RawOperation;
use super::placement::Placement;
use super::{Ctx, Lowerer, Position};
use crate::docs::markdown;
use crate::error::Result;
use crate::ir::*;
use crate::names::{self, pascal, snake, Namespace};
use crate::pointer;
use crate::schema::{object_view, ObjectView};
use crate::stripe::{
    is_v2_path, is_version_segment, list_item_schema, returns_binary, success_schema,
    v2_list_item_schema, REQUEST_MEDIA_TYPES,
};

/// The resource whose type holds a call: its placement and its schema's name.
type Owner = (Placement, String);

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Result<()> {
        let raw_ops = std::mem::take(&mut self.raw_ops);
        let mut calls: Vec<(&RawOperation<'a>, Option<Owner>)> = raw_ops
            .iter()
            .map(|raw| {
                let owner = self
                    .operation_owner(raw.op)
                    .or_else(|| self.acted_on_owner(raw, &raw_ops));
                (raw, owner)
            })
            .collect();
        // Calls on paths of their resource's own module choose their names first, whatever the
        // path order (the sort is stable: spec order otherwise).
        calls.sort_by_key(|(raw, owner)| {
            owner
                .as_ref()
                .is_some_and(|(placement, _)| placement.module != raw.module)
        });
        for (raw, owner) in calls {
            self.lower_operation(raw, owner)?;
        }
        Ok(())
    }

    fn lower_operation(&mut self, raw: &RawOperation<'a>, owner: Option<Owner>) -> Result<()> {
        let op = raw.op;
        let operation_id = raw.operation_id.clone();
        // A call lives with its resource; a call that returns no resource, with its path.
        let module = owner
            .as_ref()
            .map_or_else(|| raw.module.clone(), |(p, _)| p.module.clone());
        let is_list = success_schema(self.api, op)
            .and_then(|s| match s {
                ReferenceOr::Item(s) => list_item_schema(s).or(v2_list_item_schema(s)),
                ReferenceOr::Reference { .. } => None,
            })
            .is_some();
        let owner_key = owner
            .as_ref()
            .map(|(p, _)| format!("{}::{}", p.module, p.name))
            .unwrap_or_else(|| format!("{module}::"));
        let (fn_name, params_name) =
            self.call_name(raw, &owner, &owner_key, is_list, &operation_id);
        let params_doc = format!(
            "Parameters of [`{}`]({}).",
            fn_name,
            owner_link(&owner, &fn_name)
        );
        let origin = format!("{} {}", raw.method.as_http(), raw.path);
        let position = owner.as_ref().map(|(_, schema)| Position {
            owner: schema.clone(),
            path: Vec::new(),
        });
        let body = self.request_body_object(op, &raw.pointer)?;
        let encoding = match &body {
            Some(body) => body.encoding,
            None if is_v2_path(raw.path) => Encoding::Json,
            None => Encoding::Form,
        };
        let params_ctx = Ctx {
            module: &module,
            hint: params_name,
            direction: Direction::Request,
            pointer: raw.pointer.clone(),
            position,
            origin: &origin,
            json_request: encoding == Encoding::Json,
        };
        let params = self.params_struct(raw, body, &params_ctx, params_doc)?;
        let path_params = self.path_params(raw, &owner, is_list)?;

        let response_ctx = Ctx {
            module: &module,
            hint: format!("{}Response", pascal(&operation_id)),
            direction: Direction::Response,
            pointer: format!("{}/responses/200", raw.pointer),
            position: None,
            origin: &origin,
            json_request: false,
        };
        let response = match success_schema(self.api, op) {
            Some(schema) => self.type_ref(schema, &response_ctx)?.0,
            None if returns_binary(self.api, op) => TypeRef::Bytes,
            None => TypeRef::Json,
        };
        // v1 lists page by the last item's ID; v2 lists follow `next_page_url`.
        let paginate = match &response {
            TypeRef::List(item) if params.is_some() && self.has_id(item) => Some(item),
            TypeRef::V2List(item) if params.is_some() => Some(item),
            _ => None,
        }
        .map(|item| {
            let namespace = self.fn_names.entry(owner_key).or_default();
            (namespace.claim(format!("{fn_name}_all")), (**item).clone())
        });
        let operation = Operation {
            owner: owner.map(|(p, _)| p.name),
            fn_name,
            doc: operation_doc(raw),
            deprecated: op.deprecated,
            method: raw.method,
            path: raw.path.to_string(),
            path_params,
            params,
            encoding,
            server: raw.server.clone(),
            response,
            paginate,
            origin: origin.clone(),
            gate: Gate::Always,
        };
        self.modules
            .entry(module)
            .or_default()
            .operations
            .push(operation);
        Ok(())
    }

    /// The resource whose type holds the call: the one it returns (`deleted_x` counts as `x`),
    /// with its schema's name.
    fn operation_owner(&self, op: &'a openapiv3::Operation) -> Option<Owner> {
        self.response_resource(op).map(|resource| {
            let owner = resource
                .strip_prefix("deleted_")
                .filter(|base| self.placements.contains_key(*base))
                .unwrap_or(&resource)
                .to_string();
            (self.placements[&owner].clone(), owner)
        })
    }

    /// The resource a call acts on without returning it, which holds the call all the same: a
    /// download (`GET /v1/quotes/{quote}/pdf` on the quote) or a v2 delete (answering
    /// `v2.deleted_object`): the resource the GET of the call's path, or for a download of its
    /// parent path, returns.
    fn acted_on_owner(&self, raw: &RawOperation<'a>, all: &[RawOperation<'a>]) -> Option<Owner> {
        let resource_path = if returns_binary(self.api, raw.op) {
            raw.path.rsplit_once('/')?.0
        } else if raw.method == Method::Delete && is_v2_path(raw.path) {
            raw.path
        } else {
            return None;
        };
        all.iter()
            .filter(|other| other.method == Method::Get && other.path == resource_path)
            .find_map(|get| self.operation_owner(get.op))
    }

    /// The call's function name and the name of its parameter struct. A call on its resource is
    /// named by its verb (`list`, `create`, `retrieve`, `update`, `delete`, or the path's action
    /// such as `cancel`), with the resource it is nested under if any (`list_for_customer`), so a
    /// nested path never takes a verb from a top-level one. Calls on paths of the resource's own
    /// module name themselves first (see `lower_operations`), so a new path elsewhere never takes
    /// a verb an existing call has. A call with no resource, or whose name is taken all the same,
    /// is named after its operationId.
    fn call_name(
        &mut self,
        raw: &RawOperation,
        owner: &Option<Owner>,
        owner_key: &str,
        is_list: bool,
        operation_id: &str,
    ) -> (String, String) {
        let by_verb = owner
            .as_ref()
            .zip(action_name(raw.path, raw.method, is_list))
            .map(|((placement, _), verb)| {
                // Path parameters before the resource's own ID name the resources it is nested
                // under.
                let params_in_path: Vec<&str> = template_params(raw.path).collect();
                let parents = match verb.as_str() {
                    "list" | "create" => &params_in_path[..],
                    _ => &params_in_path[..params_in_path.len().saturating_sub(1)],
                };
                let (fn_name, for_parent) = match parents.first() {
                    Some(parent) => (
                        format!("{verb}_for_{}", snake(parent)),
                        format!("For{}", pascal(parent)),
                    ),
                    None => (verb.clone(), String::new()),
                };
                let subject = if verb == "list" {
                    names::plural(&placement.name)
                } else {
                    placement.name.clone()
                };
                (fn_name, format!("{}{subject}{for_parent}", pascal(&verb)))
            });
        let namespace = self
            .fn_names
            .entry(owner_key.to_string())
            .or_insert_with(|| Namespace::with_reserved(&[FROM_FIELDS]));
        match by_verb {
            Some((fn_name, params)) if namespace.is_free(&fn_name) => {
                (namespace.claim(fn_name), params)
            }
            _ => (namespace.claim(snake(operation_id)), pascal(operation_id)),
        }
    }

    /// The call's parameter struct (query parameters, or the body's properties), named after
    /// `ctx`; `None` when the call takes no parameters.
    fn params_struct(
        &mut self,
        raw: &RawOperation<'a>,
        body: Option<RequestBody<'a>>,
        ctx: &Ctx,
        doc: String,
    ) -> Result<Option<String>> {
        let op = raw.op;
        let mut query_params = Vec::new();
        for (index, parameter) in op.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{index}", raw.pointer);
            if let Parameter::Query { parameter_data, .. } = self.parameter(parameter, &at)? {
                query_params.push((at, parameter_data));
            }
        }
        if !query_params.is_empty()
            && body
                .as_ref()
                .is_some_and(|b| !b.object.properties.is_empty())
        {
            return Err(self.err(
                &raw.pointer,
                "an operation with both query and body parameters is not supported",
            ));
        }
        let mut fields = Vec::new();
        let mut field_names = Namespace::default();
        for (at, data) in &query_params {
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(self.err(
                    at,
                    "parameters with `content` instead of `schema` are not supported",
                ));
            };
            let param_ctx = Ctx {
                pointer: format!("{at}/schema"),
                ..ctx.property(&data.name)
            };
            let (ty, _) = self.type_ref(schema, &param_ctx)?;
            fields.push(Field {
                name: field_names.claim(snake(&data.name)),
                wire_name: data.name.clone(),
                doc: data
                    .description
                    .as_deref()
                    .map(markdown)
                    .unwrap_or_default(),
                ty,
                required: data.required,
                nullable: false,
                deprecated: data.deprecated == Some(true),
                boxed: false,
            });
        }
        if let Some(body) = &body {
            let body_ctx = Ctx {
                pointer: body.pointer.clone(),
                ..ctx.clone()
            };
            fields.extend(self.fields(&body.object, &body_ctx)?);
        }
        if fields.is_empty() {
            return Ok(None);
        }
        let builder = self.modules.entry(ctx.module.to_string()).or_default();
        let name = builder.names.claim(ctx.hint.clone());
        builder.types.push(TypeDef {
            name: name.clone(),
            doc,
            deprecated: false,
            kind: TypeKind::Struct {
                fields,
                object: None,
            },
            direction: Direction::Request,
            origin: ctx.origin.to_string(),
            gate: Gate::Always,
        });
        Ok(Some(name))
    }

    /// The call's path parameters, in the order of the path (the spec lists them in any order,
    /// alphabetically for Stripe). The last one of a call on one resource is that resource's ID.
    fn path_params(
        &self,
        raw: &RawOperation,
        owner: &Option<Owner>,
        is_list: bool,
    ) -> Result<Vec<PathParam>> {
        let mut path_params = Vec::new();
        for (index, parameter) in raw.op.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{index}", raw.pointer);
            if let Parameter::Path { parameter_data, .. } = self.parameter(parameter, &at)? {
                path_params.push(parameter_data);
            }
        }
        // `check_path_params` made sure each one is in the path.
        path_params.sort_by_key(|p| raw.path.find(&format!("{{{}}}", p.name)));
        let last_param = path_params.last().map(|p| p.name.clone());
        let mut param_names = Namespace::with_reserved(&["client", "params"]);
        Ok(path_params
            .iter()
            .map(|data| {
                let id = owner
                    .as_ref()
                    .filter(|_| !is_list && Some(&data.name) == last_param.as_ref())
                    .and_then(|(placement, _)| placement.id.clone());
                PathParam {
                    name: param_names.claim(snake(&data.name)),
                    wire_name: data.name.clone(),
                    ty: id.unwrap_or(TypeRef::String),
                }
            })
            .collect())
    }

    /// Whether `ty` is a generated resource that always has an ID (it implements `HasId`), so
    /// lists of it can be paginated.
    fn has_id(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named { module, name } = ty else {
            return false;
        };
        self.placements
            .values()
            .any(|p| p.owns_id && p.id_always_present && p.module == *module && p.name == *name)
    }

    /// The object schema of an operation's request body and how it travels, if it has one.
    pub(super) fn request_body_object(
        &self,
        op: &'a openapiv3::Operation,
        at: &str,
    ) -> Result<Option<RequestBody<'a>>> {
        let Some(body) = &op.request_body else {
            return Ok(None);
        };
        let body = self.request_body(body, &format!("{at}/requestBody"))?;
        let media = REQUEST_MEDIA_TYPES
            .iter()
            .find_map(|(media_type, encoding)| {
                body.content
                    .get(*media_type)
                    .map(|media| (*media_type, *encoding, media))
            });
        let Some((media_type, encoding, media)) = media else {
            if body.content.is_empty() {
                return Ok(None);
            }
            return Err(self.err(format!("{at}/requestBody/content"), "only form-encoded, multipart and JSON request bodies (`application/x-www-form-urlencoded`, `multipart/form-data`, `application/json`) are supported"));
        };
        let pointer = pointer::push(
            &pointer::push(&format!("{at}/requestBody/content"), media_type),
            "schema",
        );
        let object = match &media.schema {
            None => None,
            Some(ReferenceOr::Item(schema)) => object_view(schema),
            Some(ReferenceOr::Reference { reference }) => {
                let (_, schema) = self.component(reference, at)?;
                object_view(schema)
            }
        };
        Ok(object.map(|object| RequestBody {
            object,
            encoding,
            pointer,
        }))
    }
}

/// The object an operation's request body holds, how it travels, and where it is.
pub(super) struct RequestBody<'a> {
    pub object: ObjectView<'a>,
    pub encoding: Encoding,
    pub pointer: String,
}

/// The call's rustdoc: the operation's description (or summary), then its method and path.
fn operation_doc(raw: &RawOperation) -> String {
    let mut doc = raw
        .op
        .description
        .as_deref()
        .or(raw.op.summary.as_deref())
        .map(markdown)
        .unwrap_or_default();
    doc.push_str(&format!("\n\n`{} {}`", raw.method.as_http(), raw.path));
    doc.trim().to_string()
}

/// The rustdoc link to a call.
fn owner_link(owner: &Option<Owner>, fn_name: &str) -> String {
    match owner {
        Some((placement, _)) => {
            format!("super::{}::{}::{fn_name}", placement.module, placement.name)
        }
        None => fn_name.to_string(),
    }
}

/// The verb of a call, from its method and path: `list`, `create`, `retrieve`, `update`, `delete`,
/// `replace` (a PUT on one resource), or the custom action that ends the path (`cancel`,
/// `logout`). `None` leaves naming to the operationId, as for HEAD, OPTIONS and TRACE, which no
/// Stripe spec uses.
fn action_name(path: &str, method: Method, is_list: bool) -> Option<String> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version_segment(s))
        .collect();
    let last = *segments.last()?;
    let last_is_param = last.starts_with('{');
    let has_params = segments.iter().any(|s| s.starts_with('{'));
    let custom = || Some(snake(last));
    match method {
        Method::Get if is_list => Some("list".into()),
        Method::Get if last_is_param || !has_params => Some("retrieve".into()),
        Method::Get => custom(),
        Method::Post if last_is_param => Some("update".into()),
        Method::Post if !has_params => Some("create".into()),
        Method::Post => custom(),
        Method::Delete if last_is_param => Some("delete".into()),
        Method::Delete => None,
        Method::Put if last_is_param => Some("replace".into()),
        Method::Put => custom(),
        Method::Patch if last_is_param => Some("update".into()),
        Method::Patch => custom(),
        Method::Head | Method::Options | Method::Trace => None,
    }
}
