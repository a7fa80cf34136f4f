//! The intermediate representation: plain data describing the crate to emit. Lowering produces it
//! from the OpenAPI document; emission turns it into tokens. Every name in here is final (already a
//! valid, collision-free Rust identifier).

/// The catch-all variant every generated string enum and union gets, for a value (or object)
/// this version of the crate does not know. Lowering keeps the name free of any other variant's
/// (a wire value `unrecognized` would be `UnrecognizedValue`); emission defines it. Not
/// `Unknown`, which Stripe uses as a value (`sex: unknown`).
pub const CATCH_ALL_VARIANT: &str = "Unrecognized";
/// The private method a response struct reads its fields with (see the runtime's
/// `impl_deserialize_object!`): lowering gives no call this name, emission defines it.
pub const FROM_FIELDS: &str = "from_fields";

/// The feature that turns on every module feature; it is in `default`. Lowering gates the types
/// no call uses on it; the manifest defines it.
pub const ALL_MODULES_FEATURE: &str = "all-modules";

/// The whole generated API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.version` of the spec: the default `Stripe-Version`.
    pub version: String,
    /// Sorted by name.
    pub modules: Vec<Module>,
    /// The private features that stand for a set of module features in gates, in number order.
    pub feature_aliases: Vec<FeatureAlias>,
}

/// A private cargo feature (`_types-N`) that each of `enabled_by` turns on: a gate naming many
/// module features names it instead, so `#[cfg]`s stay one short line.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureAlias {
    pub name: String,
    /// Module features, sorted.
    pub enabled_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub name: String,
    /// The cargo feature of a module with resources or calls (its name, unless that is taken).
    pub feature: Option<String>,
    /// When the module is compiled: when any of its items is.
    pub gate: Gate,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
}

/// Which of the crate's module features an item is compiled with (decided by
/// `lower/features.rs`, after everything else is lowered).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Gate {
    /// Whatever features are on: every module feature needs it, or something always compiled does.
    #[default]
    Always,
    /// When any of these features is on: module features, or one alias standing for several
    /// (sorted, not empty, not all the module features).
    AnyOf(Vec<String>),
}

impl Api {
    /// Whether an item with `gate` is compiled in a crate built with the features `on` (module
    /// features, or `all-modules`).
    pub fn compiles(&self, gate: &Gate, on: &[&str]) -> bool {
        let all = on.contains(&ALL_MODULES_FEATURE);
        let module_on = |feature: &str| all || on.contains(&feature);
        match gate {
            Gate::Always => true,
            Gate::AnyOf(features) => features.iter().any(|feature| {
                feature == ALL_MODULES_FEATURE && all
                    || module_on(feature)
                    || self.feature_aliases.iter().any(|alias| {
                        &alias.name == feature && alias.enabled_by.iter().any(|f| module_on(f))
                    })
            }),
        }
    }
}

impl Gate {
    /// Whether an item with this gate is compiled whenever one gated by `context` is, so it
    /// needs no gate of its own inside `context`.
    pub fn covers(&self, context: &Gate) -> bool {
        match (self, context) {
            (Gate::Always, _) => true,
            (Gate::AnyOf(_), Gate::Always) => false,
            (Gate::AnyOf(mine), Gate::AnyOf(theirs)) => {
                theirs.iter().all(|feature| mine.contains(feature))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: String,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Request parameter types are only serialized; response types go both ways.
    pub direction: Direction,
    /// What in the spec the type comes from, as spec-diff names it: a component schema's name,
    /// or an operation's `METHOD /path`.
    pub origin: String,
    pub gate: Gate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Set for resources: how they implement `Object` (and `HasId`).
        object: Option<ObjectImpl>,
    },
    /// A string enum; emission adds the catch-all variant for values this crate doesn't know.
    Enum { variants: Vec<Variant> },
    /// `anyOf` of several alternatives.
    Union {
        variants: Vec<UnionVariant>,
        /// `Some` when every alternative is an object with a constant `object` field, so the
        /// union can dispatch on it; otherwise alternatives are tried in order.
        dispatch_on_object: bool,
    },
    /// A newtype around the string ID of one resource.
    Id,
    /// A unit struct whose associated functions are the test-mode helpers of one resource
    /// (`/v1/test_helpers/...`), apart from its live calls.
    TestHelpers,
    /// A type alias, for component schemas that are not objects, enums or unions.
    Alias(TypeRef),
}

/// A resource's ID type, and whether every instance carries an ID (most do; an upcoming invoice,
/// for one, has none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectImpl {
    pub id_type: String,
    /// The module of the ID type: a deleted form's namespace can differ from its resource's
    /// (`deleted_radar.value_list`).
    pub id_module: String,
    pub id_always_present: bool,
    /// The deleted form of a resource (`deleted_customer`): it implements `DeletedOf` its
    /// resource's ID rather than `Object`, so a `Deletable` of the two has the ID.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub doc: String,
    pub ty: TypeRef,
    /// `Option<T>` when false.
    pub required: bool,
    /// `null` is a documented value: serialized as `null` rather than skipped.
    pub nullable: bool,
    pub deprecated: bool,
    /// Stored behind a `Box` because the field's type contains this struct.
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    pub wire_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// The constant `object` value of this alternative, when dispatching on it.
    pub object: Option<String>,
    /// Set on the alternatives of an always-compiled union dispatched on `object` (the webhook
    /// `EventObject`): an object whose type is compiled out is read as the catch-all instead.
    pub gate: Gate,
    /// The JSON kinds this alternative can be read from, sorted (filled in once every type is
    /// lowered): a union reads a value with the alternative for its kind, and tries them in
    /// order only where several accept it.
    pub accepts: Vec<JsonKind>,
}

/// The kind of a JSON value (`null` aside: a nullable union is an `Option`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonKind {
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    pub const ALL: [JsonKind; 5] = [
        JsonKind::Bool,
        JsonKind::Number,
        JsonKind::String,
        JsonKind::Array,
        JsonKind::Object,
    ];
}

/// A reference to a type, as used by a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    Bool,
    Int,
    Float,
    String,
    /// Seconds since the Unix epoch.
    Timestamp,
    /// An RFC 3339 date and time (`format: date-time`, the v2 API's timestamps).
    DateTime,
    /// A file sent as a multipart part (`format: binary` in a request).
    FileUpload,
    /// The body of a response that is not JSON (`application/pdf`), as bytes.
    Bytes,
    /// A decimal number sent as a string, every digit kept.
    Decimal,
    /// Any JSON value.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
    /// A generated type.
    Named {
        module: String,
        name: String,
    },
    Vec(Box<TypeRef>),
    /// A map with string keys, ordered by key.
    Map(Box<TypeRef>),
    /// An ID or the expanded object. `id` is the ID type of the object; `deleted` is its
    /// deleted form, when the field can hold that too (`customer | deleted_customer`).
    Expandable {
        object: Box<TypeRef>,
        id: Box<TypeRef>,
        deleted: Option<Box<TypeRef>>,
    },
    /// A resource or its deleted form (`customer | deleted_customer`): the runtime's
    /// `Deletable`.
    Deletable {
        live: Box<TypeRef>,
        deleted: Box<TypeRef>,
    },
    /// A request parameter that can also be sent as `""` to clear it.
    Emptyable(Box<TypeRef>),
    /// A field of a JSON request body that can also be sent as `null` to clear it (the spec
    /// makes it `nullable`).
    Nullable(Box<TypeRef>),
    /// Stripe's list envelope.
    List(Box<TypeRef>),
    /// The v2 API's list envelope (`data`, `next_page_url`, `previous_page_url`).
    V2List(Box<TypeRef>),
    /// Stripe's search envelope (`search_result`: `data`, `has_more`, `next_page`).
    SearchList(Box<TypeRef>),
    /// Stripe's `created`-style filter: an exact integer or a `gt`/`gte`/`lt`/`lte` range.
    RangeQuery,
    /// The bounds half of `RangeQuery` on its own.
    RangeBounds,
    /// The webhook event envelope, with the event type enum and the union of event objects.
    Event {
        event_type: Box<TypeRef>,
        object: Box<TypeRef>,
    },
}

/// The type a call is an associated function of. It is usually defined in the call's own module;
/// a resource without an ID that lives elsewhere (`shared::Balance`) gets its calls in an `impl`
/// block in the call's module, so they come with that module's feature.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CallOwner {
    pub module: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The resource type whose `impl` block holds the call; `None` for a free function.
    pub owner: Option<CallOwner>,
    pub fn_name: String,
    pub doc: String,
    pub deprecated: bool,
    pub method: Method,
    /// The path template, `{name}` for each path parameter.
    pub path: String,
    pub path_params: Vec<PathParam>,
    /// The parameter struct (a body for POST, PUT and PATCH, else the query string).
    pub params: Option<String>,
    /// How the parameters travel.
    pub encoding: Encoding,
    /// The operation's own server (`https://files.stripe.com`, without a trailing `/`), when
    /// the spec gives it one.
    pub server: Option<String>,
    pub response: TypeRef,
    /// For list calls whose items have IDs: the name of the auto-paginating twin of this call
    /// (`list_all`) and the item type.
    pub paginate: Option<(String, TypeRef)>,
    /// The operation as spec-diff names it: `METHOD /path`.
    pub origin: String,
    /// Its module's feature.
    pub gate: Gate,
}

/// How a call's parameters travel, from its request body's media type (the query string when it
/// has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-www-form-urlencoded` (the v1 API).
    Form,
    /// `multipart/form-data` (file uploads).
    Multipart,
    /// `application/json` (the v2 API).
    Json,
}

impl Encoding {
    /// The variant of the generated runtime's `Encoding` enum.
    pub fn variant(self) -> &'static str {
        match self {
            Encoding::Form => "Form",
            Encoding::Multipart => "Multipart",
            Encoding::Json => "Json",
        }
    }
}

/// Every HTTP method an OpenAPI path item can hold, in the order `openapiv3` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Each method with its OpenAPI (lower-case) key.
    pub const ALL: [(Method, &'static str); 8] = [
        (Method::Get, "get"),
        (Method::Put, "put"),
        (Method::Post, "post"),
        (Method::Delete, "delete"),
        (Method::Options, "options"),
        (Method::Head, "head"),
        (Method::Patch, "patch"),
        (Method::Trace, "trace"),
    ];

    /// The method as HTTP spells it (`GET`).
    pub fn as_http(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The method as the generated runtime's `Method` enum spells it (`Get`).
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Put => "Put",
            Method::Post => "Post",
            Method::Delete => "Delete",
            Method::Options => "Options",
            Method::Head => "Head",
            Method::Patch => "Patch",
            Method::Trace => "Trace",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    pub name: String,
    pub wire_name: String,
    /// An ID newtype, or `TypeRef::String`.
    pub ty: TypeRef,
}
