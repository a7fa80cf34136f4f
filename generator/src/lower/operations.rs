//! Operations -> calls: which resource each belongs to, what each call is named (`list`,
//! `create`, `retrieve`, `update`, `delete`, or the path's trailing action such as `cancel`),
//! and its path parameters, parameter struct and response type.

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::paths::{template_params, RawOperation};
use super::placement::Placement;
use super::{join_without_repeat, Ctx, Lowerer, Position};
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

/// Where a call goes and what it is named, decided before any call is lowered.
struct NamedCall {
    /// The module the call is emitted in.
    module: String,
    call_owner: Option<CallOwner>,
    /// The key of the namespace of the owner's (or the module's free) function names.
    owner_key: String,
    name: CallName,
}

/// What a call is named: its function, its parameter struct, and whether the path's last
/// parameter is the ID of the resource it acts on.
struct CallName {
    fn_name: String,
    params: String,
    own_id: bool,
    /// For a name with the path's noun: the name without it, the method and the number of path
    /// parameters of a call it would be a second path to; after naming, set only when that
    /// call exists (the call is then a deprecated alias of it).
    alias_of: Option<(String, Method, usize)>,
}

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
        // Calls on paths of their resource's own module come first, whatever the path order
        // (the sort is stable: spec order otherwise).
        let foreign = |raw: &RawOperation, owner: &Option<Owner>| {
            owner
                .as_ref()
                .is_some_and(|(placement, _)| placement.module != raw.module)
        };
        calls.sort_by_key(|(raw, owner)| foreign(raw, owner));
        // They also choose their names first and, of those, the ones on the resource's
        // collection (`/persons`, not `/people`).
        let mut naming_order: Vec<usize> = (0..calls.len()).collect();
        naming_order.sort_by_key(|&index| {
            let (raw, owner) = &calls[index];
            let off_collection = owner.as_ref().is_some_and(|(_, schema)| {
                !PathShape::new(raw.path, schema).is_collection_path(schema)
            });
            (foreign(raw, owner), off_collection)
        });
        let mut names: Vec<Option<NamedCall>> = calls.iter().map(|_| None).collect();
        for index in naming_order {
            let (raw, owner) = &calls[index];
            names[index] = Some(self.name_call(raw, owner));
        }
        for ((raw, owner), named) in calls.into_iter().zip(names.into_iter().flatten()) {
            self.lower_operation(raw, owner, named)?;
        }
        Ok(())
    }

    /// Where a call goes and what it is named.
    fn name_call(&mut self, raw: &RawOperation<'a>, owner: &Option<Owner>) -> NamedCall {
        // A call lives with its resource; a call on a resource without an ID (placed with the
        // resource its name starts with, or in `shared`) or on none, with its path.
        let module = owner
            .as_ref()
            .filter(|(placement, _)| placement.owns_id)
            .map_or_else(|| raw.module.clone(), |(p, _)| p.module.clone());
        let is_list = success_schema(self.api, raw.op)
            .and_then(|s| match s {
                ReferenceOr::Item(s) => list_item_schema(s).or(v2_list_item_schema(s)),
                ReferenceOr::Reference { .. } => None,
            })
            .is_some();
        // Test-mode helpers of a live resource go to a type of their own, so they can't be
        // mistaken for its live calls.
        let call_owner = owner.as_ref().map(|(placement, _)| {
            if raw.path.starts_with(TEST_HELPERS_PATH) && placement.module != TEST_HELPERS_MODULE {
                CallOwner {
                    module: module.clone(),
                    name: self.test_helpers_type(&module, placement),
                }
            } else {
                CallOwner {
                    module: placement.module.clone(),
                    name: placement.name.clone(),
                }
            }
        });
        let owner_key = call_owner
            .as_ref()
            .map(|owner| format!("{}::{}", owner.module, owner.name))
            .unwrap_or_else(|| format!("{module}::"));
        let mut name = self.call_name(raw, owner, &owner_key, is_list, &raw.operation_id);
        if call_owner
            .as_ref()
            .is_some_and(|owner| owner.name.ends_with(TEST_HELPERS_SUFFIX))
        {
            name.params.insert_str(0, "Test");
        }
        NamedCall {
            module,
            call_owner,
            owner_key,
            name,
        }
    }

    fn lower_operation(
        &mut self,
        raw: &RawOperation<'a>,
        owner: Option<Owner>,
        named: NamedCall,
    ) -> Result<()> {
        let op = raw.op;
        let NamedCall {
            module,
            call_owner,
            owner_key,
            name:
                CallName {
                    fn_name,
                    params: params_name,
                    own_id,
                    alias_of,
                },
        } = named;
        let params_doc = format!(
            "Parameters of [`{}`]({}).",
            fn_name,
            owner_link(&call_owner, &fn_name)
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
            hint: params_name.clone(),
            direction: Direction::Request,
            pointer: raw.pointer.clone(),
            position,
            origin: &origin,
            json_request: encoding == Encoding::Json,
        };
        let params = self.params_struct(raw, body, &params_ctx, params_doc)?;
        let path_params = self.path_params(raw, &owner, own_id)?;

        let response_ctx = Ctx {
            module: &module,
            hint: format!("{params_name}Response"),
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
            TypeRef::V2List(item) | TypeRef::SearchList(item) if params.is_some() => Some(item),
            _ => None,
        }
        .map(|item| {
            let namespace = self.fn_names.entry(owner_key).or_default();
            (namespace.claim(format!("{fn_name}_all")), (**item).clone())
        });
        let operation = Operation {
            owner: call_owner.clone(),
            fn_name,
            doc: match &alias_of {
                Some((documented, _, _)) => format!(
                    "{}\n\nA second path to what [`{documented}`]({}) does, which is the path \
                     Stripe documents: use that call.",
                    operation_doc(raw),
                    owner_link(&call_owner, documented)
                ),
                None => operation_doc(raw),
            },
            deprecated: op.deprecated || alias_of.is_some(),
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

    /// The type holding the test-mode helpers of the resource at `placement` (`issuing::Card` ->
    /// `issuing::CardTestHelpers`), defined in `module` the first time it is asked for.
    fn test_helpers_type(&mut self, module: &str, placement: &Placement) -> String {
        let key = (module.to_string(), placement.name.clone());
        if let Some(name) = self.test_helper_types.get(&key) {
            return name.clone();
        }
        let builder = self.modules.entry(module.to_string()).or_default();
        let name = builder
            .names
            .claim(format!("{}{TEST_HELPERS_SUFFIX}", placement.name));
        let resource = if placement.module == module {
            placement.name.clone()
        } else {
            format!("super::{}::{}", placement.module, placement.name)
        };
        builder.types.push(TypeDef {
            name: name.clone(),
            doc: format!(
                "Test-mode helpers of [`{}`]({resource}): calls that move a test-mode object \
                 through what only Stripe does to live ones (`{TEST_HELPERS_PATH}...`). They \
                 work with a test-mode API key only.",
                placement.name
            ),
            deprecated: false,
            kind: TypeKind::TestHelpers,
            direction: Direction::Response,
            origin: format!("{TEST_HELPERS_PATH}{}", placement.name),
            gate: Gate::Always,
        });
        self.test_helper_types.insert(key, name.clone());
        name
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
    /// named by its verb: Stripe's own, the first word of the operation's summary when that is
    /// one of [`SUMMARY_VERBS`] ("Retrieve a customer", "Cancel a subscription", "Preview a
    /// credit note"), else the path's ([`PathShape::verb`]: `list`, `create`, `retrieve`,
    /// `update`, `delete`, `replace`, or its action such as `capture`). A call nested under
    /// other resources says under which (`list_for_customer`). Calls on paths of the resource's
    /// own module name themselves first (see `lower_operations`), so a new path elsewhere never
    /// takes a verb an existing call has. A call that finds its verb taken adds the path's noun
    /// (`list_people_for_account` beside `list_for_account` on `/persons`), and is a deprecated
    /// alias when the other call does the same ([`CallName::alias_of`]); a call with no
    /// resource always names the noun (`list_sources_for_customer`). Only a call that finds
    /// every such name taken is named after its operationId.
    fn call_name(
        &mut self,
        raw: &RawOperation,
        owner: &Option<Owner>,
        owner_key: &str,
        is_list: bool,
        operation_id: &str,
    ) -> CallName {
        // A call with no resource is named as if the path's last noun were one, and always says
        // it (`list_sources_for_customer`): it shares its module's namespace.
        let subject = match owner {
            Some((placement, schema)) => Some((schema.clone(), placement.name.clone(), false)),
            None => raw
                .path
                .split('/')
                .rfind(|s| !s.is_empty() && !s.starts_with('{') && !is_version_segment(s))
                .map(|segment| {
                    let noun = names::singular(&snake(segment));
                    (noun.clone(), pascal(&noun), true)
                }),
        };
        let path_params = template_params(raw.path).count();
        let candidates: Vec<CallName> = subject
            .map(|(schema, subject_name, free)| {
                let shape = PathShape::new(raw.path, &schema);
                let summarized = raw.op.summary.is_some();
                let Some(path_verb) = shape.verb(raw.method, is_list, summarized) else {
                    return Vec::new();
                };
                let summary = summary_verb(raw.op).filter(|_| !is_list);
                let verb = summary.map_or(path_verb.clone(), str::to_string);
                let action = shape.action.map(snake).filter(|action| *action != verb);
                let mut candidates = Vec::new();
                match action {
                    // An action that spells the verb out (`create_preview`) names the call.
                    Some(action) if action.starts_with(&format!("{verb}_")) => {
                        candidates.push((action, None));
                    }
                    // An action that is a thing (`/quotes/{quote}/line_items`, listing items)
                    // says which of the resource's things the call is about.
                    Some(action) => {
                        candidates.push((verb.clone(), Some(noun_for(&verb, &action))));
                    }
                    None => {}
                }
                // The verb alone; then with the path's noun, for a second path to the same thing
                // (`/people` beside `/persons`) or another thing of the resource (`/account`
                // beside `/accounts/{account}`); then the path's own verb.
                candidates.push((verb.clone(), None));
                // On the resource's own collection the noun would only repeat the resource.
                if free || !shape.is_collection_path(&schema) {
                    candidates.push((verb.clone(), shape.noun(&verb)));
                }
                if path_verb != verb {
                    candidates.push((path_verb, None));
                }
                if free {
                    for (verb, noun) in &mut candidates {
                        if noun.is_none() {
                            *noun = Some(noun_for(verb, &names::plural(&schema)));
                        }
                    }
                }
                candidates.dedup();
                candidates
                    .into_iter()
                    .filter(|(_, noun)| noun.as_ref().is_none_or(|noun| !noun.is_empty()))
                    .map(|(verb, noun)| {
                        let parent = shape.parent(&verb);
                        let (mut fn_name, for_parent) = match &parent {
                            Some(parent) => (
                                format!("{verb}_for_{}", snake(parent)),
                                format!("For{}", pascal(parent)),
                            ),
                            None => (verb.clone(), String::new()),
                        };
                        let mut subject =
                            if COLLECTION_VERBS.contains(&verb.as_str()) && verb != "create" {
                                names::plural(&subject_name)
                            } else {
                                subject_name.clone()
                            };
                        // The name without the noun: the call this one may be a second path to.
                        let without_noun = fn_name.clone();
                        if let Some(noun) = &noun {
                            fn_name.insert_str(verb.len(), &format!("_{noun}"));
                            subject = pascal(noun);
                        }
                        CallName {
                            fn_name,
                            params: format!(
                                "{}{for_parent}",
                                join_without_repeat(&pascal(&verb), &subject)
                            ),
                            own_id: shape.has_own_id(&verb),
                            alias_of: noun.map(|_| (without_noun, raw.method, path_params)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let namespace = self
            .fn_names
            .entry(owner_key.to_string())
            .or_insert_with(|| Namespace::with_reserved(&[FROM_FIELDS]));
        // Named after its operationId or not, a call on one resource takes its ID type.
        let own_id = candidates.first().is_some_and(|name| name.own_id);
        let chosen = match candidates
            .into_iter()
            .find(|name| namespace.is_free(&name.fn_name))
        {
            Some(name) => CallName {
                fn_name: namespace.claim(name.fn_name),
                ..name
            },
            None => CallName {
                fn_name: namespace.claim(snake(operation_id)),
                params: pascal(operation_id),
                own_id,
                alias_of: None,
            },
        };
        self.call_shapes.insert(
            (owner_key.to_string(), chosen.fn_name.clone()),
            (raw.method, path_params),
        );
        // A call named with its path's noun because another took the verb is a second path to
        // the same thing when that call has the same method and parameters.
        let alias_of = chosen.alias_of.filter(|(base, method, params)| {
            self.call_shapes.get(&(owner_key.to_string(), base.clone()))
                == Some(&(*method, *params))
        });
        CallName { alias_of, ..chosen }
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
    /// alphabetically for Stripe). The last one of a call on one resource (`own_id`) is that
    /// resource's ID.
    fn path_params(
        &self,
        raw: &RawOperation,
        owner: &Option<Owner>,
        own_id: bool,
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
                    .filter(|_| own_id && Some(&data.name) == last_param.as_ref())
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
fn owner_link(owner: &Option<CallOwner>, fn_name: &str) -> String {
    match owner {
        Some(owner) => format!("super::{}::{}::{fn_name}", owner.module, owner.name),
        None => fn_name.to_string(),
    }
}

/// The verbs Stripe's summaries start with that name calls the same way across its SDKs; a
/// summary starting with another word ("Shares a PaymentMethod", "Test mode: Fail ...") leaves
/// the verb to the path.
const SUMMARY_VERBS: &[&str] = &[
    "list", "retrieve", "create", "update", "delete", "cancel", "search", "preview",
];

/// Where Stripe's test-mode helpers are, and the module of the resources only they reach
/// (test clocks).
const TEST_HELPERS_PATH: &str = "/v1/test_helpers/";
const TEST_HELPERS_MODULE: &str = "test_helpers";
/// What a resource's test-helpers type adds to its name.
const TEST_HELPERS_SUFFIX: &str = "TestHelpers";

/// Verbs of calls on a collection: every path parameter names a resource the collection is
/// nested under.
const COLLECTION_VERBS: &[&str] = &["list", "create", "search"];

/// The verb the operation's summary starts with, when it is one of [`SUMMARY_VERBS`]
/// (`Updates a feature` counts as `update`).
fn summary_verb(op: &openapiv3::Operation) -> Option<&'static str> {
    let first = op
        .summary
        .as_deref()?
        .split_whitespace()
        .next()?
        .to_ascii_lowercase();
    SUMMARY_VERBS
        .iter()
        .find(|verb| first == **verb || first.strip_suffix('s') == Some(**verb))
        .copied()
}

/// A call's path as seen from the resource it returns: its segments (without the version), and
/// whether the last one is an action on the resource (`/invoices/{invoice}/finalize`) rather
/// than the resource itself (`/customers/{customer}/discount`, `/account`, `/v1/tax_ids`).
struct PathShape<'p> {
    segments: Vec<&'p str>,
    /// The last segment, when it is an action: not a parameter, and not the resource's name.
    action: Option<&'p str>,
}

impl<'p> PathShape<'p> {
    fn new(path: &'p str, resource: &str) -> Self {
        let segments: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty() && !is_version_segment(s))
            .collect();
        let action = segments
            .last()
            .filter(|last| !last.starts_with('{') && !names_resource(last, resource))
            .copied();
        Self { segments, action }
    }

    /// The last segment that is not a parameter, before the action when `skip_action`.
    fn last_noun_segment(&self, skip_action: bool) -> Option<&'p str> {
        let skip = usize::from(skip_action && self.action.is_some());
        self.segments
            .iter()
            .rev()
            .skip(skip)
            .find(|s| !s.starts_with('{'))
            .copied()
    }

    /// The noun a call's name can add to its verb to tell it from another call with the verb:
    /// the last segment that is neither a parameter nor the action, singular unless the verb is
    /// `list` or `search`.
    fn noun(&self, verb: &str) -> Option<String> {
        let segment = self.last_noun_segment(true)?;
        Some(noun_for(verb, &snake(segment)))
    }

    /// Whether the path is the resource's collection, or an item of it (`/v1/persons/{person}`):
    /// the path Stripe documents, where another (`/people`, `/account`) may lead to the same.
    fn is_collection_path(&self, resource: &str) -> bool {
        let name = resource.rsplit('.').next().unwrap_or(resource);
        self.action.is_none()
            && self.last_noun_segment(false).is_some_and(|segment| {
                names::plural(&names::singular(segment)) == segment && names_resource(segment, name)
            })
    }

    fn last_is_param(&self) -> bool {
        self.segments.last().is_some_and(|s| s.starts_with('{'))
    }

    /// The verb the path says: `list` (a GET answering a list), `retrieve`, `create`, `update`
    /// (POST or PATCH on one resource), `delete`, `replace` (PUT on one resource), or the action
    /// ending the path (`capture`, `find`). A POST to the resource's collection creates; to a
    /// resource that is one of a kind (`/customers/{customer}/cash_balance`, `/tax/settings`)
    /// it updates. `None` leaves naming to the operationId, as for HEAD, OPTIONS and TRACE.
    fn verb(&self, method: Method, is_list: bool, summarized: bool) -> Option<String> {
        let last = *self.segments.last()?;
        if let Some(action) = self.action {
            // With no summary to say what it does (releases until 2019), a plural action is
            // taken for a collection of things of the resource (`bank_accounts`), which a POST
            // adds to; a summary tells `verify_microdeposits` from them.
            let things = !summarized && names::singular(action) != action;
            return match method {
                Method::Get if is_list => Some("list".into()),
                Method::Post if things => Some("create".into()),
                Method::Head | Method::Options | Method::Trace => None,
                _ => Some(snake(action)),
            };
        }
        // The last segment is the resource: its ID, its collection or its one-of-a-kind name.
        let collection = !self.last_is_param() && names::singular(last) != last;
        let verb = match method {
            Method::Get if is_list => "list",
            Method::Get => "retrieve",
            Method::Post if collection => "create",
            Method::Post | Method::Patch => "update",
            Method::Delete => "delete",
            Method::Put => "replace",
            Method::Head | Method::Options | Method::Trace => return None,
        };
        Some(verb.into())
    }

    /// Whether a call with `verb` acts on one resource whose ID is the path's last parameter
    /// (`/customers/{customer}`, `/invoices/{invoice}/finalize`), rather than on a collection or
    /// a one-of-a-kind resource nested under the resources the parameters name
    /// (`/customers/{customer}/tax_ids`, `/customers/{customer}/discount`).
    fn has_own_id(&self, verb: &str) -> bool {
        !COLLECTION_VERBS.contains(&verb)
            && (self.last_is_param() || self.action.is_some())
            && self.segments.iter().any(|s| s.starts_with('{'))
    }

    /// The resource a call with `verb` is nested under, if any: the nearest one whose ID is in
    /// the path before the call's own resource, named after its collection's segment
    /// (`/transfers/{id}/reversals` -> `transfer`), or its parameter if no segment precedes it.
    fn parent(&self, verb: &str) -> Option<String> {
        let params: Vec<usize> = (0..self.segments.len())
            .filter(|&i| self.segments[i].starts_with('{'))
            .collect();
        let parents = if self.has_own_id(verb) {
            &params[..params.len().saturating_sub(1)]
        } else {
            &params[..]
        };
        let &at = parents.last()?;
        Some(match at.checked_sub(1).map(|i| self.segments[i]) {
            Some(collection) if !collection.starts_with('{') => names::singular(collection),
            _ => self.segments[at].trim_matches(['{', '}']).to_string(),
        })
    }
}

/// A path segment as the noun of a call with `verb`: plural for `list` and `search`, else
/// singular (`create_bank_account`, `list_line_items`).
fn noun_for(verb: &str, segment: &str) -> String {
    if matches!(verb, "list" | "search") {
        segment.to_string()
    } else {
        names::singular(segment)
    }
}

/// Whether a path segment names `resource` (a schema name such as `customer`, `apps.secret`,
/// `apple_pay_domain`, `crypto.onramp.quotes`): its collection (`customers`, `secrets`,
/// `domains`, `onramp_quotes`) or, for a resource that is one of a kind, its name (`balance`,
/// `settings`, `discount`).
fn names_resource(segment: &str, resource: &str) -> bool {
    let short = resource.rsplit('.').next().unwrap_or(resource);
    let short = short.strip_prefix("deleted_").unwrap_or(short);
    let full = resource.replace('.', "_");
    let singular = names::singular(segment);
    // A collection may name its resource by a part of its name (`domains`); a one-of-a-kind
    // resource is named in full, else `/account/logout` would name `light_account_logout`.
    let collection = singular != segment;
    [segment, singular.as_str()].iter().any(|word| {
        [short, full.as_str()].iter().any(|name| {
            name == word
                || collection
                    && (name.ends_with(&format!("_{word}"))
                        || name.starts_with(&format!("{word}_")))
        })
    })
}
