//! Semantic diff of two OpenAPI specs (`cargo xtask spec-diff OLD NEW [--json]`): what changed
//! for a Rust user of the crate generated from them.
//!
//! [`diff`] compares
//!
//! - **operations**, keyed by method and path;
//! - each operation's **parameters**: path, query, header and cookie parameters and the
//!   properties of the request body (form, multipart or JSON), with nested properties named by
//!   their dotted path (`options.document.require_matching_selfie`). Inside a name, `[]` steps into
//!   array items, `{}` into map values and `<label>` into one of several object alternatives of an
//!   `anyOf`/`oneOf` (labelled by its `title`, or `#index`); the single object alternative of a
//!   union and the inline parts of an `allOf` are stepped into without a mark;
//! - each operation's **response** (the `200` `application/json` schema) and, when it is an inline
//!   object, its fields;
//! - **component schemas** (added, removed, changed shape) and their **fields**: the schema's
//!   properties, nested inline objects included as above. Component schemas are compared as
//!   response objects, which is what Stripe's are.
//!
//! Types are compared by a normalized description that follows the lowering conventions (see
//! ARCHITECTURE.md): a `$ref` is its schema name (its content is diffed under its own name),
//! `anyOf: [T]` is `T` (its `nullable` counts), `anyOf: [string, $ref X]` with
//! `x-expansionResources` is `expandable<X>`, `anyOf: [T, enum [""]]` is `emptyable<T>`,
//! `format: unix-time` is `timestamp`, `format: decimal` is `decimal`, a string enum is `enum`
//! (its values are compared separately), additional-properties objects are `map<T>`, Stripe's list
//! envelope is `list<T>`; other unions are `anyOf<A | B>`, `oneOf<…>` or `allOf<A & B>`. Shapes
//! the generator does not support are still described, never a panic.
//!
//! # Breaking changes
//!
//! A change is **breaking** when code written against the crate generated from OLD may stop
//! compiling against the crate generated from NEW. The generated crate (ARCHITECTURE.md,
//! "Lowering rules") makes enums `#[non_exhaustive]` with an `Unrecognized` catch-all and response
//! structs `#[non_exhaustive]`; a field is `T` when it is required and not nullable, otherwise
//! `Option<T>` (top-level query and path parameters: `T` exactly when required). Request
//! parameter structs are assumed to be built with `new(required…)` or `..Default::default()`, so
//! a new optional field is no break.
//!
//! | change | breaking | why |
//! |---|---|---|
//! | operation added | no | a new function |
//! | operation removed | **yes** | the function disappears |
//! | operation response type changed | **yes** | the function's return type changes |
//! | schema added | no | a new type |
//! | schema removed | **yes** | the type disappears |
//! | schema shape changed (e.g. object -> union) | **yes** | the type changes |
//! | schema (top-level enum) value added | no | enums are `#[non_exhaustive]` |
//! | schema (top-level enum) value removed | **yes** | the variant disappears |
//! | parameter added, optional (`Option<T>`) | no | `new()`/`Default` leave it `None` |
//! | parameter added, required (`T`), at any depth | **yes** | `new()` gains an argument, `Default` may go |
//! | parameter removed | **yes** | the field disappears |
//! | parameter type changed | **yes** | the field's type changes |
//! | parameter `required`/`nullable` changed, Rust type flips `T` <-> `Option<T>` | **yes** | optional -> required adds a `new()` argument; required -> optional turns `T` into `Option<T>` |
//! | parameter `required`/`nullable` changed, Rust type unchanged | no | only the wire format changes (e.g. an optional parameter becomes nullable) |
//! | parameter enum value added | no | enums are `#[non_exhaustive]` |
//! | parameter enum value removed | **yes** | the variant disappears |
//! | header or cookie parameter: any change | no | the generator ignores them |
//! | field added (required or not) | no | response structs are `#[non_exhaustive]` |
//! | field removed | **yes** | the field disappears |
//! | field type changed | **yes** | the field's type changes |
//! | field becomes nullable or optional: `T` -> `Option<T>` | **yes** | the field's type changes |
//! | field becomes required and non-nullable: `Option<T>` -> `T` | **yes** | the field's type changes too |
//! | field `required`/`nullable` changed, Rust type stays `Option<T>` | no | e.g. an optional field that becomes nullable |
//! | a union (`anyOf`/`oneOf`, `expandable` with several targets) gains or loses an alternative | **yes** | a type change; conservative: untagged unions are exhaustive enums (those dispatched on `object` are `#[non_exhaustive]`, but are not told apart) |
//! | field enum value added | no | enums are `#[non_exhaustive]`, unknown values land in `Unrecognized` |
//! | field enum value removed | **yes** | the variant disappears (code naming it stops compiling) |
//! | anything else (e.g. a path item `$ref` that names no path item) | no | reported for information only |
//!
//! When `required` and `nullable` change together, each gets an entry, and both are breaking
//! exactly when the Rust type flips. Members nested in an added or removed member are not listed
//! separately.
//!
//! The result is sorted by resource, subject, member and kind, so the output is deterministic.
//! Resources are the generated modules for operations (the first path segment after `/v1/`) and
//! the `x-resourceId` (else the name) for component schemas.
//!
//! The work is split by step: `collect` (what is compared, from one spec), `describe` (the
//! normalized type of a schema), `compare` (differences and the rules above), `render` (Markdown
//! and JSON). The spec is read through `schema.rs` and `stripe.rs`, as lowering reads it.

mod api;
mod collect;
mod compare;
mod describe;
mod render;

use openapiv3::OpenAPI;
use serde::Serialize;

pub use api::{compare as compare_apis, ApiChange, ApiChangeKind};

use crate::load::Loaded;

/// Nesting deeper than this is described as `…` rather than followed (specs are trees, so this
/// only guards the stack against absurd inputs).
const MAX_DEPTH: usize = 48;

/// Every difference between two specs, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// `info.version` of the old spec.
    pub old_version: String,
    /// `info.version` of the new spec.
    pub new_version: String,
    pub entries: Vec<Change>,
    /// How the public API of the generated crate changed (see [`diff_generated`]); empty when
    /// only the specs were compared.
    pub api_changes: Vec<ApiChange>,
    /// Why the public APIs were not compared, when they could not be (a spec that does not
    /// generate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_not_compared: Option<String>,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// The group: the module of an operation (`identity`), or the `x-resourceId` (else the name)
    /// of a component schema.
    pub resource: String,
    /// The operation (`POST /v1/identity/verification_sessions`) or component schema name.
    pub subject: String,
    /// The parameter or field, as a dotted path; `None` for the operation or schema itself.
    pub member: Option<String>,
    pub kind: ChangeKind,
    /// What changed, in words (`` `string` → `integer` ``, the enum values added, ...).
    pub detail: String,
    /// Whether code using the crate generated from the old spec may stop compiling.
    pub breaking: bool,
}

/// What kind of difference a [`Change`] is. The order is the order within one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    ResponseTypeChanged,
    SchemaAdded,
    SchemaRemoved,
    SchemaTypeChanged,
    SchemaEnumValuesAdded,
    SchemaEnumValuesRemoved,
    ParameterAdded,
    ParameterRemoved,
    ParameterTypeChanged,
    ParameterRequiredChanged,
    ParameterNullableChanged,
    ParameterEnumValuesAdded,
    ParameterEnumValuesRemoved,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldRequiredChanged,
    FieldNullableChanged,
    FieldEnumValuesAdded,
    FieldEnumValuesRemoved,
    /// A shape the diff does not model, described in the detail.
    Other,
}

impl ChangeKind {
    /// How the Markdown report names this kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::OperationAdded => "operation added",
            Self::OperationRemoved => "operation removed",
            Self::ResponseTypeChanged => "response type changed",
            Self::SchemaAdded => "schema added",
            Self::SchemaRemoved => "schema removed",
            Self::SchemaTypeChanged => "schema type changed",
            Self::SchemaEnumValuesAdded => "schema enum values added",
            Self::SchemaEnumValuesRemoved => "schema enum values removed",
            Self::ParameterAdded => "parameter added",
            Self::ParameterRemoved => "parameter removed",
            Self::ParameterTypeChanged => "parameter type changed",
            Self::ParameterRequiredChanged => "parameter required changed",
            Self::ParameterNullableChanged => "parameter nullable changed",
            Self::ParameterEnumValuesAdded => "parameter enum values added",
            Self::ParameterEnumValuesRemoved => "parameter enum values removed",
            Self::FieldAdded => "field added",
            Self::FieldRemoved => "field removed",
            Self::FieldTypeChanged => "field type changed",
            Self::FieldRequiredChanged => "field required changed",
            Self::FieldNullableChanged => "field nullable changed",
            Self::FieldEnumValuesAdded => "field enum values added",
            Self::FieldEnumValuesRemoved => "field enum values removed",
            Self::Other => "other change",
        }
    }
}

/// Compares two specs. Never panics, whatever their shape.
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> SpecDiff {
    let mut entries = Vec::new();
    compare::diff_paths(old, new, &mut entries);
    compare::diff_schemas(old, new, &mut entries);
    entries.sort();
    entries.dedup();
    SpecDiff {
        old_version: old.info.version.clone(),
        new_version: new.info.version.clone(),
        entries,
        api_changes: Vec::new(),
        api_not_compared: None,
    }
}

/// Compares two specs and the public APIs of the crates generated from them: what changes for
/// a Rust user, each removal or change of an item marked breaking with its old and new path.
pub fn diff_generated(old: &Loaded, new: &Loaded) -> SpecDiff {
    match crate::lower::lower(new) {
        Ok(new_api) => diff_against(old, new, &new_api),
        Err(err) => SpecDiff {
            api_not_compared: Some(err.to_string()),
            ..diff(&old.api, &new.api)
        },
    }
}

/// [`diff_generated`] for a new spec already lowered to `new_api`.
pub(crate) fn diff_against(old: &Loaded, new: &Loaded, new_api: &crate::ir::Api) -> SpecDiff {
    let mut diff = diff(&old.api, &new.api);
    match crate::lower::lower(old) {
        Ok(old_api) => diff.api_changes = api::compare(&old_api, new_api),
        Err(err) => diff.api_not_compared = Some(err.to_string()),
    }
    diff
}
