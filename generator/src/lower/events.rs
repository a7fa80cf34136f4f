//! Webhook events: the `events` module's `EventType` (every event type Stripe lists),
//! `EventObject` (the generated resources events carry) and `Event` (the runtime's envelope
//! with both).

use openapiv3::{ReferenceOr, SchemaKind, Type};

use super::schemas::enum_variants;
use super::{Ctx, Lowerer};
use crate::ir::*;
use crate::names::{pascal, Namespace};
use crate::schema::string_enum;
use crate::stripe::constant_object;

/// Module of the webhook event types (`EventType`, `EventObject`, `Event`).
pub(super) const EVENTS_MODULE: &str = "events";

/// The webhook event types of the API and where their types go.
pub(super) struct Events {
    values: Vec<String>,
    pub type_name: String,
    object_name: String,
    event_name: String,
    /// The `EventType` enum.
    kind: TypeKind,
    /// The operation whose `enabled_events` lists the event types.
    origin: String,
    /// The resource that operation creates (the webhook endpoint): its calls' `enabled_events`
    /// take `EventType`.
    endpoint: Option<String>,
}

impl Events {
    /// `EventType`, `EventObject` and `Event`, by module and name: what a webhook handler uses,
    /// whichever module features are on.
    pub(super) fn type_keys(&self) -> Vec<(String, String)> {
        [&self.type_name, &self.object_name, &self.event_name]
            .into_iter()
            .map(|name| (EVENTS_MODULE.to_string(), name.clone()))
            .collect()
    }
}

impl<'a> Lowerer<'a> {
    /// Stripe lists every webhook event type in the `enabled_events` parameter of
    /// `POST /v1/webhook_endpoints`. When it is there, the events module gets `EventType` (that
    /// enum, also used by the parameter), `EventObject` (the generated resources events carry)
    /// and `Event`. Their names are claimed before any schema's, as they are what users look for.
    pub(super) fn reserve_event_names(&mut self) {
        let found = self.raw_ops.iter().find_map(|raw| {
            if raw.method != Method::Post || !raw.path.ends_with("/webhook_endpoints") {
                return None;
            }
            let form = self.request_body_object(raw.op, &raw.pointer).ok()??.object;
            let ReferenceOr::Item(events) = form.properties.get("enabled_events")? else {
                return None;
            };
            let SchemaKind::Type(Type::Array(array)) = &events.schema_kind else {
                return None;
            };
            let values = match array.items.as_ref()? {
                ReferenceOr::Item(item) => string_enum(item)?,
                ReferenceOr::Reference { .. } => return None,
            };
            let origin = format!("{} {}", raw.method.as_http(), raw.path);
            Some((values, origin, self.response_resource(raw.op)))
        });
        let Some((values, origin, endpoint)) = found.filter(|(v, _, _)| !v.is_empty()) else {
            return;
        };
        let module = self.modules.entry(EVENTS_MODULE.to_string()).or_default();
        let kind = TypeKind::Enum {
            variants: enum_variants(&values),
        };
        self.events = Some(Events {
            type_name: module.names.claim("EventType".into()),
            object_name: module.names.claim("EventObject".into()),
            event_name: module.names.claim("Event".into()),
            values,
            kind,
            origin,
            endpoint,
        });
    }

    /// Defines the event types reserved by `reserve_event_names`. An event's object is typed
    /// when it is a generated resource: one whose `object` value starts an event type
    /// (`identity.verification_session` for `identity.verification_session.verified`).
    pub(super) fn lower_events(&mut self) {
        let Some(events) = &self.events else { return };
        let mut names = Namespace::with_reserved(&[CATCH_ALL_VARIANT]);
        let mut variants = Vec::new();
        for (name, schema) in self.schemas() {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let placement = &self.placements[name.as_str()];
            let Some(object) = constant_object(schema).filter(|_| placement.owns_id) else {
                continue;
            };
            let prefix = format!("{object}.");
            if events.values.iter().any(|event| event.starts_with(&prefix)) {
                // Named after the whole `object` value, as `EventType`'s variants are
                // (`IdentityVerificationSession` beside `IdentityVerificationSessionVerified`):
                // resources of different modules can share a name (`checkout::Session`,
                // `financial_connections::Session`), their `object` values can't.
                variants.push(UnionVariant {
                    name: names.claim(pascal(object)),
                    ty: TypeRef::Named {
                        module: placement.module.clone(),
                        name: placement.name.clone(),
                    },
                    object: Some(object.to_owned()),
                    gate: Gate::Always,
                    accepts: Vec::new(),
                });
            }
        }
        let named = |name: &str| TypeRef::Named {
            module: EVENTS_MODULE.to_string(),
            name: name.to_string(),
        };
        let definitions = [
            TypeDef {
                name: events.type_name.clone(),
                doc: "The type of an event: what happened. Also the values of a webhook \
                      endpoint's `enabled_events`, where `*` stands for every event."
                    .into(),
                deprecated: false,
                kind: events.kind.clone(),
                direction: Direction::Response,
                origin: events.origin.clone(),
                gate: Gate::Always,
            },
            TypeDef {
                name: events.object_name.clone(),
                doc: "The object an event is about: typed for the resources of this crate, raw \
                      JSON for any other."
                    .into(),
                deprecated: false,
                kind: TypeKind::Union {
                    variants,
                    dispatch_on_object: true,
                },
                direction: Direction::Response,
                origin: events.origin.clone(),
                gate: Gate::Always,
            },
            TypeDef {
                name: events.event_name.clone(),
                doc: "An event, as delivered to webhook endpoints: verify and parse one with \
                      [`super::webhook::Webhook::construct_event`]."
                    .into(),
                deprecated: false,
                kind: TypeKind::Alias(TypeRef::Event {
                    event_type: Box::new(named(&events.type_name)),
                    object: Box::new(named(&events.object_name)),
                }),
                direction: Direction::Response,
                origin: events.origin.clone(),
                gate: Gate::Always,
            },
        ];
        for definition in definitions {
            self.push_type(EVENTS_MODULE, definition);
        }
    }

    /// `EventType`, for the parameters that list event types: `enabled_events` of the calls on
    /// the resource whose creation lists the event types (the webhook endpoint).
    pub(super) fn event_type_param(&self, ctx: &Ctx) -> Option<TypeRef> {
        let events = self.events.as_ref()?;
        let position = ctx.position.as_ref()?;
        let is_enabled_events = ctx.direction == Direction::Request
            && events.endpoint.as_ref() == Some(&position.owner)
            && position.path == ["enabled_events"];
        is_enabled_events.then(|| TypeRef::Named {
            module: EVENTS_MODULE.to_string(),
            name: events.type_name.clone(),
        })
    }
}
