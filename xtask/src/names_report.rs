//! `cargo xtask names`: how a Rust user meets the public names of a generated crate. The crate's
//! `src/*.rs` is read as syntax, so any crate stripegen wrote, of any spec, can be measured without
//! generating it again; `runtime/` (hand-written) and `lib.rs`'s re-exports are not names of the
//! spec and are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};
use stripegen::cli::SpecOptions;
use syn::{Expr, Fields, ImplItem, Item as SynItem, Lit, Stmt, Visibility};

/// The HTTP methods a call's doc names, as the generator spells them in its last doc paragraph
/// (`` `GET /v1/customers` ``).
const METHODS: [&str; 5] = ["GET", "POST", "DELETE", "PUT", "PATCH"];

/// The verbs of Stripe's summaries that the generator also names calls with: when a summary
/// starts with one of them, a call named otherwise says something its docs don't.
const DOC_VERBS: [&str; 8] = [
    "list", "retrieve", "create", "update", "delete", "cancel", "search", "preview",
];

/// The last words of Stripe's names that end in `s` but name one thing: a noun Stripe uses for
/// one object (`PaymentMethodDetails` is the details of one payment method, `CreditCardSpecs` one
/// card's), or a payment method's name (`Eps`, `CartesBancaires`). An array of them is not an
/// array of plurals. Words ending in `ss`, `us`, `is` or `ics` (`Address`, `Status`, `Analysis`,
/// `Analytics`) are singular by their ending and need no entry.
const SINGULAR_IN_S: [&str; 14] = [
    "Details",
    "Settings",
    "Options",
    "Terms",
    "Totals",
    "Series",
    "Specs",
    "Requirements",
    "Params",
    "Preferences",
    "Instructions",
    "Controls",
    "Eps",
    "Bancaires",
];

/// Longer public type names than this are counted: a name a reader no longer takes in at once.
const LONG_NAME: usize = 80;

/// The module name of `lib.rs`'s items (and the runtime's re-exports, `super::Name`).
const ROOT: &str = "crate";

/// Examples shown per row of the Markdown table (`--json` has every item).
const EXAMPLES: usize = 5;

/// `cargo xtask names`: counts the public names of a generated crate that a Rust user would find
/// odd (named after the URL, stuttering, too long, ...), with examples.
#[derive(Debug, clap::Args)]
pub(crate) struct Names {
    /// The generated crate: its `src/*.rs` is read
    #[arg(long = "crate", value_name = "DIR")]
    pub(crate) crate_dir: PathBuf,
    /// The spec the crate was generated from, YAML or JSON: call names are compared with the
    /// operations' summaries
    #[arg(long, value_name = "FILE")]
    pub(crate) spec: Option<PathBuf>,
    /// Overlay file the crate was generated with, or a directory: its overlay files by name
    /// (repeatable, in order)
    #[arg(long, value_name = "PATH", requires = "spec")]
    pub(crate) overlay: Vec<PathBuf>,
    /// Print JSON with every item instead of Markdown with examples
    #[arg(long)]
    pub(crate) json: bool,
}

impl Names {
    /// Prints the report; fails only when the crate or the spec can't be read.
    pub(crate) fn run(&self) -> Result<ExitCode, String> {
        let api = read_crate(&self.crate_dir)?;
        let spec = match &self.spec {
            Some(spec) => {
                let source = SpecOptions {
                    spec: spec.clone(),
                    overlay: self.overlay.clone(),
                };
                let overlays = source.overlay_files().map_err(|e| e.to_string())?;
                let loaded = stripegen::load::load(spec, &overlays).map_err(|e| e.to_string())?;
                Some(loaded.raw)
            }
            None => None,
        };
        let report = Report::new(&api, spec.as_ref());
        if self.json {
            println!("{:#}", report.to_json());
        } else {
            print!("{}", report.to_markdown());
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The public names of a generated crate, as its source declares them.
#[derive(Debug, Default)]
struct Api {
    types: Vec<TypeDef>,
    calls: Vec<Call>,
    /// The wire values of each string enum (one with an `as_str`), by its path; the catch-all
    /// variant, which has no literal, has no value.
    string_enums: BTreeMap<String, BTreeSet<String>>,
}

/// A public struct, enum or type alias.
#[derive(Debug)]
struct TypeDef {
    module: String,
    name: String,
    shape: Shape,
    /// A struct's fields or an enum's variants' payloads, each with the field's or variant's name.
    fields: Vec<(String, TypeRef)>,
}

impl TypeDef {
    /// `module::Name`.
    fn path(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }

    /// Whether it is a struct with a required `id`: an object the API answers with.
    fn is_object_with_id(&self) -> bool {
        self.shape == Shape::Struct
            && self
                .fields
                .iter()
                .any(|(name, ty)| name == "id" && ty.argument_of(&["Option"]).is_none())
    }
}

/// What kind of type a [`TypeDef`] is, as far as the counters tell them apart.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// A struct with named fields.
    Struct,
    /// A tuple struct: an ID (`CustomerId(String)`).
    Newtype,
    Enum,
    Alias,
}

/// A call: a public function whose doc ends with its operation's method and path.
#[derive(Debug)]
struct Call {
    module: String,
    /// The type of the `impl` it is in; `None` for a free function.
    owner: Option<String>,
    name: String,
    method: String,
    path: String,
}

impl Call {
    fn rust_path(&self) -> String {
        match &self.owner {
            Some(owner) => format!("{}::{owner}::{}", self.module, self.name),
            None => format!("{}::{}", self.module, self.name),
        }
    }

    fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path's segments in snake case without braces (`{customer}` -> `customer`).
    fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.trim_matches(['{', '}'])
                    .replace(['-', '.'], "_")
                    .to_lowercase()
            })
            .collect()
    }

    /// The path's segments up to the first one that is not an API version (`v1`, `v2`), that one
    /// included: `/v2/billing/meter_events` -> `v2`, `billing`.
    fn leading_segments(&self) -> Vec<String> {
        let mut segments = self.segments();
        let end = segments
            .iter()
            .position(|s| !is_version(s))
            .map_or(segments.len(), |i| i + 1);
        segments.truncate(end);
        segments
    }
}

fn is_version(segment: &str) -> bool {
    segment.len() > 1
        && segment.starts_with('v')
        && segment[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Reads every `src/*.rs` of the crate in `dir` (not `src/runtime/`, a directory).
fn read_crate(dir: &Path) -> Result<Api, String> {
    let src = dir.join("src");
    let entries =
        std::fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut api = Api::default();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("lib");
        let module = if stem == "lib" { ROOT } else { stem };
        api.add_module(module, &file);
    }
    Ok(api)
}

impl Api {
    /// Adds the public types, calls and string enums of one module's file.
    fn add_module(&mut self, module: &str, file: &syn::File) {
        for item in &file.items {
            match item {
                SynItem::Struct(s) if is_public(&s.vis) => {
                    let shape = match s.fields {
                        Fields::Unnamed(_) => Shape::Newtype,
                        _ => Shape::Struct,
                    };
                    let fields = s
                        .fields
                        .iter()
                        .filter_map(|f| {
                            let name = f.ident.as_ref().map_or_else(String::new, |i| i.to_string());
                            Some((name, TypeRef::of(&f.ty)?))
                        })
                        .collect();
                    self.add_type(module, &s.ident, shape, fields);
                }
                SynItem::Enum(e) if is_public(&e.vis) => {
                    let fields = e
                        .variants
                        .iter()
                        .flat_map(|v| {
                            v.fields
                                .iter()
                                .filter_map(|f| Some((v.ident.to_string(), TypeRef::of(&f.ty)?)))
                        })
                        .collect();
                    self.add_type(module, &e.ident, Shape::Enum, fields);
                }
                SynItem::Type(t) if is_public(&t.vis) => {
                    self.add_type(module, &t.ident, Shape::Alias, Vec::new());
                }
                SynItem::Fn(f) if is_public(&f.vis) => {
                    self.add_call(module, None, &f.sig.ident, &f.attrs);
                }
                SynItem::Impl(imp) if imp.trait_.is_none() => {
                    let Some(mut owner_path) = TypeRef::of(&imp.self_ty).map(|t| t.path) else {
                        continue;
                    };
                    let Some(owner) = owner_path.pop() else {
                        continue;
                    };
                    // Calls on another module's type (`impl super::shared::Balance`) are that
                    // type's: a user names them through its module.
                    let module = match owner_path.as_slice() {
                        [root, other] if root == "super" => other.as_str(),
                        _ => module,
                    };
                    for item in &imp.items {
                        let ImplItem::Fn(f) = item else { continue };
                        if !is_public(&f.vis) {
                            continue;
                        }
                        if f.sig.ident == "as_str" {
                            if let Some(values) = match_literals(&f.block.stmts) {
                                self.string_enums
                                    .insert(format!("{module}::{owner}"), values);
                            }
                        } else {
                            self.add_call(module, Some(&owner), &f.sig.ident, &f.attrs);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn add_type(
        &mut self,
        module: &str,
        name: &syn::Ident,
        shape: Shape,
        fields: Vec<(String, TypeRef)>,
    ) {
        self.types.push(TypeDef {
            module: module.to_string(),
            name: name.to_string(),
            shape,
            fields,
        });
    }

    /// Adds the function as a call if its doc names an operation. A `list_all` twin's doc points
    /// at its `list` instead, so twins are not calls.
    fn add_call(
        &mut self,
        module: &str,
        owner: Option<&str>,
        name: &syn::Ident,
        attrs: &[syn::Attribute],
    ) {
        if let Some((method, path)) = doc_route(attrs) {
            self.calls.push(Call {
                module: module.to_string(),
                owner: owner.map(str::to_string),
                name: name.to_string(),
                method,
                path,
            });
        }
    }

    /// The crate's types by path (`customers::Customer`).
    fn types_by_path(&self) -> HashMap<String, &TypeDef> {
        self.types.iter().map(|t| (t.path(), t)).collect()
    }
}

fn is_public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The method and path of a doc line `` `GET /v1/customers` ``.
fn doc_route(attrs: &[syn::Attribute]) -> Option<(String, String)> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(doc) = &attr.meta else {
            return None;
        };
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text),
            ..
        }) = &doc.value
        else {
            return None;
        };
        if !doc.path.is_ident("doc") {
            return None;
        }
        let line = text.value();
        let (method, path) = line
            .trim()
            .strip_prefix('`')?
            .strip_suffix('`')?
            .split_once(' ')?;
        (METHODS.contains(&method) && path.starts_with('/'))
            .then(|| (method.to_string(), path.to_string()))
    })
}

/// The string literals the arms of a `match` body return (`Self::Active => "active"`), or `None`
/// when the body is no such `match`.
fn match_literals(stmts: &[Stmt]) -> Option<BTreeSet<String>> {
    let [Stmt::Expr(Expr::Match(m), None)] = stmts else {
        return None;
    };
    Some(
        m.arms
            .iter()
            .filter_map(|arm| match &*arm.body {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            })
            .collect(),
    )
}

/// A path type, as much of it as the counters read (`syn`'s types are neither `Clone` nor
/// `Debug` without features the workspace doesn't build).
#[derive(Debug)]
struct TypeRef {
    /// The segments' names; a leading `::` (an external crate) is an empty first segment.
    path: Vec<String>,
    /// The type arguments of the last segment.
    args: Vec<TypeRef>,
}

impl TypeRef {
    /// `None` for what is not a plain path type (a reference, a tuple, `<T as Trait>::X`).
    fn of(ty: &syn::Type) -> Option<Self> {
        let syn::Type::Path(p) = ty else { return None };
        if p.qself.is_some() {
            return None;
        }
        let leading = p.path.leading_colon.as_ref().map(|_| String::new());
        let path = leading
            .into_iter()
            .chain(p.path.segments.iter().map(|s| s.ident.to_string()))
            .collect();
        let args = match &p.path.segments.last()?.arguments {
            syn::PathArguments::AngleBracketed(args) => args
                .args
                .iter()
                .filter_map(|arg| match arg {
                    syn::GenericArgument::Type(t) => TypeRef::of(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(TypeRef { path, args })
    }

    fn is_string(&self) -> bool {
        self.path == ["String"]
    }

    /// The target as `module::Name`: `super::customers::Customer` is in `customers`,
    /// `super::List` in the crate root, a bare `Customer` in `module`; `None` for an external type.
    fn resolve(&self, module: &str) -> Option<String> {
        match self.path.as_slice() {
            [name] => Some(format!("{module}::{name}")),
            [sup, name] if sup == "super" => Some(format!("{ROOT}::{name}")),
            [sup, module, name] if sup == "super" => Some(format!("{module}::{name}")),
            _ => None,
        }
    }

    /// The type argument of `Wrapper<T>` when the last segment is one of `wrappers`.
    fn argument_of(&self, wrappers: &[&str]) -> Option<&TypeRef> {
        let last = self.path.last()?;
        if wrappers.contains(&last.as_str()) {
            self.args.first()
        } else {
            None
        }
    }

    /// Without its one-value wrappers (`Option<Box<T>>` -> `T`).
    fn unwrapped(&self) -> &TypeRef {
        let mut ty = self;
        while let Some(inner) = ty.argument_of(&WRAPPERS) {
            ty = inner;
        }
        ty
    }

    /// The item type of a sequence, wrappers inside and out removed
    /// (`Option<Emptyable<Vec<Box<T>>>>` -> `T`).
    fn sequence_item(&self) -> Option<&TypeRef> {
        let item = self.unwrapped().argument_of(&SEQUENCES)?;
        Some(item.sequence_item().unwrap_or_else(|| item.unwrapped()))
    }
}

/// Wrappers that hold one value: what they hold is what a field of them is about.
const WRAPPERS: [&str; 5] = ["Option", "Box", "Expandable", "Emptyable", "Nullable"];

/// Wrappers that hold a sequence.
const SEQUENCES: [&str; 3] = ["Vec", "List", "V2List"];

/// Whether `name` is `word` or starts with `word` followed by `separator`.
fn starts_with_word(name: &str, word: &str, separator: char) -> bool {
    name.strip_prefix(word)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(separator))
}

/// The words of a PascalCase name (`TaxIdId` -> `Tax`, `Id`, `Id`); digits stay with the word
/// before them (`V2List` -> `V2`, `List`).
fn pascal_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The first word said twice in a row in `words`.
fn repeated_word<'w>(words: &[&'w str]) -> Option<&'w str> {
    words.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// Whether a PascalCase name's last word is a plural (see [`SINGULAR_IN_S`]).
fn is_plural(name: &str) -> bool {
    let last = pascal_words(name).pop().unwrap_or_default();
    last.ends_with('s')
        && !["ss", "us", "is", "ics"].iter().any(|e| last.ends_with(e))
        && !SINGULAR_IN_S.contains(&last)
}

/// The first word of a summary, if it is one of [`DOC_VERBS`] (`Updates` -> `update`).
fn summary_verb(summary: &str) -> Option<&'static str> {
    let word = summary.split_whitespace().next()?.to_lowercase();
    DOC_VERBS.into_iter().find(|verb| {
        word == *verb
            || word.strip_suffix('s') == Some(verb)
            || word.strip_suffix("es") == Some(verb)
    })
}

/// Whether the call is named after its URL: method + the path's first segment after the
/// version (`get_customers_customer`), or method + every segment (`post_v2_billing_meter_events`).
fn is_named_after_url(call: &Call) -> bool {
    let method = call.method.to_lowercase();
    let first = call.leading_segments().pop().unwrap_or_default();
    starts_with_word(&call.name, &format!("{method}_{first}"), '_')
        || call.name == format!("{method}_{}", call.segments().join("_"))
}

/// The prefixes of types named after a URL: each method + the PascalCase of a call's first
/// segment after the version, with and without the version (`PostCustomers`, `PostV2Billing`).
fn url_type_prefixes(calls: &[Call]) -> BTreeSet<String> {
    let mut prefixes = BTreeSet::new();
    for call in calls {
        let leading = call.leading_segments();
        let first = pascal_case(leading.last().map_or("", String::as_str));
        let versioned = pascal_case(&leading.join("_"));
        for method in METHODS {
            let method = pascal_case(&method.to_lowercase());
            prefixes.insert(format!("{method}{first}"));
            prefixes.insert(format!("{method}{versioned}"));
        }
    }
    prefixes
}

/// Whether `name` starts with one of `prefixes` followed by a new word or nothing.
fn has_url_prefix(name: &str, prefixes: &BTreeSet<String>) -> bool {
    prefixes.iter().any(|prefix| {
        name.strip_prefix(prefix.as_str()).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
    })
}

/// A test-helper call placed beside live calls (a resource's type outside `test_helpers`, not
/// a `...TestHelpers` type of its own): nothing in its name says it only works in test mode.
fn is_test_helper_among_live_calls(call: &Call) -> bool {
    call.path.starts_with("/v1/test_helpers/")
        && call.module != "test_helpers"
        && !call
            .owner
            .as_deref()
            .is_some_and(|owner| owner.ends_with("TestHelpers"))
}

/// Whether the call's name says something its spec summary doesn't: the summary starts with one
/// of [`DOC_VERBS`] and the name doesn't (`persons` for "Create a person"; a `retrieve` whose
/// summary says "Preview ..." fails the same test). A call named after its URL says no verb at
/// all and is counted as such ([`is_named_after_url`]), not here.
fn contradicts_summary(call: &Call, summary: &str) -> bool {
    // "Retrieve an invoice's line items" answers with a list page: `list` says the same.
    let agrees = |verb: &str| {
        starts_with_word(&call.name, verb, '_')
            || verb == "retrieve" && starts_with_word(&call.name, "list", '_')
    };
    !is_named_after_url(call) && summary_verb(summary).is_some_and(|verb| !agrees(verb))
}

/// One counted thing, as the report lists it.
#[derive(Debug, PartialEq)]
enum Item {
    /// A Rust name, with what made it count when the name alone doesn't say.
    Name {
        name: String,
        detail: Option<String>,
    },
    /// String enums with the same wire values.
    Group {
        values: Vec<String>,
        enums: Vec<String>,
    },
}

impl Item {
    fn name(name: impl Into<String>) -> Self {
        Item::Name {
            name: name.into(),
            detail: None,
        }
    }

    fn detailed(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Item::Name {
            name: name.into(),
            detail: Some(detail.into()),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Item::Name { name, detail } => json!({ "name": name, "detail": detail }),
            Item::Group { values, enums } => {
                json!({ "size": enums.len(), "values": values, "enums": enums })
            }
        }
    }
}

/// The Markdown of an example (at most six values of a group).
impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Name { name, detail: None } => write!(f, "`{name}`"),
            Item::Name {
                name,
                detail: Some(detail),
            } => write!(f, "`{name}` ({detail})"),
            Item::Group { values, enums } => {
                let shown: Vec<&str> = values.iter().take(6).map(String::as_str).collect();
                let more = if values.len() > shown.len() {
                    ", …"
                } else {
                    ""
                };
                write!(
                    f,
                    "{} enums of `{}`{more} (`{}`, …)",
                    enums.len(),
                    shown.join("`, `"),
                    enums[0]
                )
            }
        }
    }
}

/// One row of the report.
#[derive(Debug)]
struct Row {
    key: &'static str,
    /// `None` when the row needs `--spec` and there is none.
    count: Option<usize>,
    items: Vec<Item>,
}

impl Row {
    /// A row counting its items.
    fn of(key: &'static str, items: Vec<Item>) -> Self {
        Row {
            key,
            count: Some(items.len()),
            items,
        }
    }

    /// The examples of the Markdown table: the shortest names, which read best (groups stay
    /// biggest first).
    fn examples(&self) -> impl Iterator<Item = &Item> {
        let mut items: Vec<&Item> = self.items.iter().collect();
        items.sort_by_key(|item| match item {
            Item::Name { name, .. } => name.rsplit("::").next().map_or(0, str::len),
            Item::Group { .. } => 0,
        });
        items.into_iter().take(EXAMPLES)
    }
}

/// Length statistics of the public type names.
#[derive(Debug)]
struct Lengths {
    /// The upper median.
    median: usize,
    /// The nearest-rank 95th percentile.
    p95: usize,
    max: usize,
    longest: String,
}

impl Lengths {
    fn of<'n>(names: impl Iterator<Item = &'n str>) -> Self {
        let mut names: Vec<&str> = names.collect();
        names.sort_by_key(|n| n.len());
        let at = |rank: usize| names.get(rank).map_or(0, |n| n.len());
        let p95_rank = (names.len() * 95).div_ceil(100).saturating_sub(1);
        Lengths {
            median: at(names.len() / 2),
            p95: at(p95_rank),
            max: at(names.len().saturating_sub(1)),
            longest: names.last().map_or_else(String::new, |n| n.to_string()),
        }
    }
}

/// The report over one crate.
#[derive(Debug)]
struct Report {
    types: usize,
    calls: usize,
    rows: Vec<Row>,
    lengths: Lengths,
    /// Calls whose operation the spec lacks (a spec other than the crate's?); `None` without one.
    calls_missing_from_spec: Option<usize>,
}

impl Report {
    fn new(api: &Api, spec: Option<&Value>) -> Self {
        let (contradicting, missing) = match spec {
            Some(spec) => {
                let (items, missing) = verbs_contradicting_docs(api, spec);
                (Row::of("verbs_contradicting_docs", items), Some(missing))
            }
            None => (
                Row {
                    key: "verbs_contradicting_docs",
                    count: None,
                    items: Vec::new(),
                },
                None,
            ),
        };
        let rows = vec![
            Row::of("calls_named_after_url", calls_named_after_url(api)),
            Row::of("types_named_after_url", types_named_after_url(api)),
            contradicting,
            Row::of(
                "test_helpers_mixed_with_live_calls",
                test_helpers_mixed_with_live_calls(api),
            ),
            Row::of("expandable_look_alikes", expandable_look_alikes(api)),
            Row::of("plural_item_names", plural_item_names(api)),
            Row::of("stuttering_names", stuttering_names(api)),
            Row::of("names_over_80_chars", names_over_80_chars(api)),
            enums_repeating_values(api),
        ];
        Report {
            types: api.types.len(),
            calls: api.calls.len(),
            rows,
            lengths: Lengths::of(api.types.iter().map(|t| t.name.as_str())),
            calls_missing_from_spec: missing,
        }
    }

    fn to_markdown(&self) -> String {
        let mut out = String::from("| what | count | examples |\n|---|---|---|\n");
        for row in &self.rows {
            let count = row
                .count
                .map_or_else(|| "needs `--spec`".to_string(), |c| c.to_string());
            let examples: Vec<String> = row
                .examples()
                .map(|item| item.to_string().replace('|', "\\|"))
                .collect();
            out += &format!("| `{}` | {count} | {} |\n", row.key, examples.join(", "));
        }
        let l = &self.lengths;
        out += &format!(
            "\n{} public types, {} calls. Type name lengths: median {}, 95th percentile {}, \
             maximum {} (`{}`).\n",
            self.types, self.calls, l.median, l.p95, l.max, l.longest
        );
        if let Some(missing @ 1..) = self.calls_missing_from_spec {
            out += &format!("{missing} calls have no operation in the spec.\n");
        }
        out
    }

    fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("types".into(), json!(self.types));
        object.insert("calls".into(), json!(self.calls));
        for row in &self.rows {
            let items: Vec<Value> = row.items.iter().map(Item::to_json).collect();
            object.insert(
                row.key.into(),
                json!({ "count": row.count, "items": items }),
            );
        }
        let l = &self.lengths;
        object.insert(
            "type_name_lengths".into(),
            json!({ "median": l.median, "p95": l.p95, "max": l.max, "longest": l.longest }),
        );
        object.insert(
            "calls_missing_from_spec".into(),
            json!(self.calls_missing_from_spec),
        );
        Value::Object(object)
    }
}

fn calls_named_after_url(api: &Api) -> Vec<Item> {
    api.calls
        .iter()
        .filter(|call| is_named_after_url(call))
        .map(|call| Item::detailed(call.rust_path(), call.route()))
        .collect()
}

fn types_named_after_url(api: &Api) -> Vec<Item> {
    let prefixes = url_type_prefixes(&api.calls);
    api.types
        .iter()
        .filter(|t| has_url_prefix(&t.name, &prefixes))
        .map(|t| Item::name(t.path()))
        .collect()
}

/// The calls whose names contradict their summaries or hide that they are test helpers, and how
/// many calls the spec has no operation for.
fn verbs_contradicting_docs(api: &Api, spec: &Value) -> (Vec<Item>, usize) {
    let mut missing = 0;
    let mut items = Vec::new();
    for call in &api.calls {
        let operation = &spec["paths"][&call.path][call.method.to_lowercase()];
        if operation.is_null() {
            missing += 1;
        }
        let summary = operation["summary"].as_str().unwrap_or_default();
        if contradicts_summary(call, summary) {
            items.push(Item::detailed(call.rust_path(), format!("\"{summary}\"")));
        } else if is_test_helper_among_live_calls(call) {
            items.push(Item::detailed(call.rust_path(), call.route()));
        }
    }
    (items, missing)
}

fn test_helpers_mixed_with_live_calls(api: &Api) -> Vec<Item> {
    api.calls
        .iter()
        .filter(|call| is_test_helper_among_live_calls(call))
        .map(|call| Item::detailed(call.rust_path(), call.route()))
        .collect()
}

/// Unions that hold an ID or an object with an ID, as `Expandable` does, without being one: the
/// user can't call `Expandable`'s methods on them. A request's union of a token and inline
/// details (`String` or `CreateTokenCardCreditCardSpecs`) has no such object and is not counted.
fn expandable_look_alikes(api: &Api) -> Vec<Item> {
    let types = api.types_by_path();
    let mut items = Vec::new();
    for t in api
        .types
        .iter()
        .filter(|t| t.shape == Shape::Enum && t.name != "Expandable")
    {
        let payloads: Vec<Option<String>> = t
            .fields
            .iter()
            .map(|(_, ty)| ty.unwrapped().resolve(&t.module))
            .collect();
        let holds_id = t.fields.iter().any(|(_, ty)| ty.unwrapped().is_string())
            || payloads.iter().flatten().any(|path| {
                path.ends_with("Id") && types.get(path).is_some_and(|t| t.shape == Shape::Newtype)
            });
        let holds_object = payloads
            .iter()
            .flatten()
            .any(|path| types.get(path).is_some_and(|t| t.is_object_with_id()));
        if holds_id && holds_object {
            let names: Vec<&str> = payloads
                .iter()
                .flatten()
                .map(|p| p.rsplit("::").next().unwrap_or(p))
                .collect();
            items.push(Item::detailed(t.path(), names.join(" | ")));
        }
    }
    items
}

/// Generated types that are the items of a sequence field and whose name is a plural: a
/// `Vec<LineItems>` reads as a list of lists.
fn plural_item_names(api: &Api) -> Vec<Item> {
    let types = api.types_by_path();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for t in &api.types {
        for (field, ty) in &t.fields {
            let Some(path) = ty.sequence_item().and_then(|item| item.resolve(&t.module)) else {
                continue;
            };
            if types.contains_key(&path) && is_plural(path.rsplit("::").next().unwrap_or_default())
            {
                seen.entry(path)
                    .or_insert_with(|| format!("`{}::{}.{field}`", t.module, t.name));
            }
        }
    }
    seen.into_iter()
        .map(|(path, field)| Item::detailed(path, format!("item of {field}")))
        .collect()
}

fn stuttering_names(api: &Api) -> Vec<Item> {
    let types = api.types.iter().filter_map(|t| {
        repeated_word(&pascal_words(&t.name)).map(|word| Item::detailed(t.path(), word))
    });
    let calls = api.calls.iter().filter_map(|call| {
        let words: Vec<&str> = call.name.split('_').filter(|w| !w.is_empty()).collect();
        repeated_word(&words).map(|word| Item::detailed(call.rust_path(), word))
    });
    types.chain(calls).collect()
}

fn names_over_80_chars(api: &Api) -> Vec<Item> {
    api.types
        .iter()
        .filter(|t| t.name.len() > LONG_NAME)
        .map(|t| Item::detailed(t.path(), format!("{} chars", t.name.len())))
        .collect()
}

/// String enums whose wire values another string enum has too, exactly: the count is every enum
/// of a group but the first; the items are the groups, biggest first.
fn enums_repeating_values(api: &Api) -> Row {
    let mut groups: BTreeMap<&BTreeSet<String>, Vec<String>> = BTreeMap::new();
    for (path, values) in &api.string_enums {
        if !values.is_empty() {
            groups.entry(values).or_default().push(path.clone());
        }
    }
    let mut groups: Vec<(&BTreeSet<String>, Vec<String>)> = groups
        .into_iter()
        .filter(|(_, enums)| enums.len() > 1)
        .collect();
    groups.sort_by_key(|(_, enums)| std::cmp::Reverse(enums.len()));
    Row {
        key: "enums_repeating_values",
        count: Some(groups.iter().map(|(_, enums)| enums.len() - 1).sum()),
        items: groups
            .into_iter()
            .map(|(values, enums)| Item::Group {
                values: values.iter().cloned().collect(),
                enums,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API of one module `module` with the given source.
    fn api(module: &str, source: &str) -> Api {
        let mut api = Api::default();
        api.add_module(
            module,
            &syn::parse_file(source).expect("test source parses"),
        );
        api
    }

    fn names(items: &[Item]) -> Vec<&str> {
        items
            .iter()
            .map(|item| match item {
                Item::Name { name, .. } => name.as_str(),
                Item::Group { .. } => "group",
            })
            .collect()
    }

    const CUSTOMER_CALLS: &str = r#"
        pub struct Customer { pub id: CustomerId }
        pub struct CustomerId(String);
        impl Customer {
            /// Retrieves a customer.
            ///
            /// `GET /v1/customers/{customer}`
            pub fn retrieve() {}
            /// Every item of [`Self::list`].
            pub fn list_all() {}
            /// `GET /v1/account`
            pub fn get_account() {}
        }
        /// Searches.
        ///
        /// `GET /v1/customers/search`
        pub fn get_customers_search() {}
        /// `POST /v1/customers/{customer}/bank_accounts/{id}`
        pub fn post_customers_customer_bank_accounts_id() {}
        /// `POST /v2/billing/meter_events`
        pub fn post_v2_billing_meter_events() {}
        /// `GET /v1/customers/search` is what this is not.
        pub fn get_customers_search_not_a_call() {}
        fn get_customers_private() {}
    "#;

    #[test]
    fn calls_are_the_public_functions_whose_doc_names_an_operation() {
        let api = api("customers", CUSTOMER_CALLS);
        let calls: Vec<(String, String)> = api
            .calls
            .iter()
            .map(|c| (c.rust_path(), c.route()))
            .collect();
        assert_eq!(
            calls,
            [
                (
                    "customers::Customer::retrieve",
                    "GET /v1/customers/{customer}"
                ),
                ("customers::Customer::get_account", "GET /v1/account"),
                (
                    "customers::get_customers_search",
                    "GET /v1/customers/search"
                ),
                (
                    "customers::post_customers_customer_bank_accounts_id",
                    "POST /v1/customers/{customer}/bank_accounts/{id}"
                ),
                (
                    "customers::post_v2_billing_meter_events",
                    "POST /v2/billing/meter_events"
                ),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn calls_named_after_the_url_are_method_and_path() {
        let api = api("customers", CUSTOMER_CALLS);
        assert_eq!(
            names(&calls_named_after_url(&api)),
            [
                "customers::Customer::get_account",
                "customers::get_customers_search",
                "customers::post_customers_customer_bank_accounts_id",
                "customers::post_v2_billing_meter_events",
            ]
        );
    }

    #[test]
    fn types_named_after_the_url_start_with_method_and_a_calls_first_segment() {
        let source = format!(
            "{CUSTOMER_CALLS}
            pub struct GetCustomersSearchResponse;
            pub enum PostCustomersCustomerBankAccountsIdType {{}}
            pub struct PostV2BillingMeterEvents;
            pub type GetAccount = Customer;
            pub struct GetCustomer;
            pub struct GetCustomersearch;
            pub struct CustomersGet;
            pub struct PostInvoices;"
        );
        assert_eq!(
            names(&types_named_after_url(&api("customers", &source))),
            [
                "customers::GetCustomersSearchResponse",
                "customers::PostCustomersCustomerBankAccountsIdType",
                "customers::PostV2BillingMeterEvents",
                "customers::GetAccount",
            ]
        );
    }

    #[test]
    fn verbs_contradicting_docs_compare_a_named_verb_with_the_summarys() {
        let source = r#"
            impl Invoice {
                /// `GET /v1/invoices/upcoming`
                pub fn retrieve() {}
                /// `POST /v1/invoices/{invoice}`
                pub fn update() {}
                /// `POST /v1/invoices/{invoice}/void`
                pub fn void() {}
                /// `DELETE /v1/invoices/{invoice}`
                pub fn delete() {}
                /// `GET /v1/customers/{customer}/invoices`
                pub fn list_for_customer() {}
                /// `GET /v1/invoices/search`
                pub fn get_invoices_search() {}
                /// `POST /v1/invoices/{invoice}/lines`
                pub fn lines() {}
                /// `POST /v1/test_helpers/invoices/{invoice}/advance`
                pub fn advance() {}
            }
        "#;
        let spec = json!({ "paths": {
            "/v1/invoices/upcoming": { "get": { "summary": "Preview an invoice" } },
            "/v1/invoices/{invoice}": {
                "post": { "summary": "Updates an invoice" },
                "delete": { "summary": "Cancel an invoice" },
            },
            "/v1/invoices/{invoice}/void": { "post": { "summary": "Void an invoice" } },
            "/v1/customers/{customer}/invoices": { "get": { "summary": "List invoices" } },
            "/v1/invoices/search": { "get": { "summary": "Search invoices" } },
            "/v1/invoices/{invoice}/lines": { "post": { "summary": "Create line items" } },
        }});
        let api = api("invoices", source);
        let (items, missing) = verbs_contradicting_docs(&api, &spec);
        assert_eq!(
            names(&items),
            [
                "invoices::Invoice::retrieve",
                "invoices::Invoice::delete",
                "invoices::Invoice::lines",
                "invoices::Invoice::advance",
            ]
        );
        assert_eq!(missing, 1, "the test helper's operation is not in the spec");
        assert_eq!(
            names(&test_helpers_mixed_with_live_calls(&api)),
            ["invoices::Invoice::advance"]
        );
    }

    #[test]
    fn test_helpers_in_their_own_module_are_not_mixed_with_live_calls() {
        let source = "impl TestClock {
            /// `POST /v1/test_helpers/test_clocks/{test_clock}/advance`
            pub fn advance() {}
        }";
        assert!(test_helpers_mixed_with_live_calls(&api("test_helpers", source)).is_empty());
        let source = "impl AuthorizationTestHelpers {
            /// `POST /v1/test_helpers/issuing/authorizations/{authorization}/capture`
            pub fn capture() {}
        }";
        assert!(test_helpers_mixed_with_live_calls(&api("issuing", source)).is_empty());
    }

    #[test]
    fn expandable_look_alikes_hold_an_id_or_an_object() {
        let source = "
            pub struct Customer { pub id: CustomerId }
            pub struct CustomerId(String);
            pub enum PaymentIntentCustomer {
                String(String),
                Customer(Box<Customer>),
                DeletedCustomer(Box<super::customers::DeletedCustomer>),
                Unrecognized(::serde_json::Value),
            }
            pub enum ChargeCustomer { Id(CustomerId), Customer(Customer) }
            pub enum Expandable { Id(String), Object(Box<Customer>) }
            pub enum UpTo { Inf, Int(i64), String(String) }
            pub enum CustomerStatus { Active, Unrecognized(String) }
            pub enum Ids { One(CustomerId), Other(String) }
            pub struct CardSpecs { pub number: String }
            pub enum CreateTokenCard { CardSpecs(CardSpecs), String(String) }
            pub struct ProductParams { pub id: Option<String> }
            pub enum CreatePlanProduct { Params(ProductParams), String(String) }
        ";
        let mut api = api("payment_intents", source);
        let deleted = "pub struct DeletedCustomer { pub id: String }";
        api.add_module("customers", &syn::parse_file(deleted).unwrap());
        let items = expandable_look_alikes(&api);
        assert_eq!(
            names(&items),
            [
                "payment_intents::PaymentIntentCustomer",
                "payment_intents::ChargeCustomer"
            ]
        );
        assert_eq!(
            items[0],
            Item::detailed(
                "payment_intents::PaymentIntentCustomer",
                "String | Customer | DeletedCustomer"
            )
        );
    }

    #[test]
    fn plural_item_names_are_generated_types_in_sequences_named_as_plurals() {
        let source = "
            pub struct Invoice {
                pub lines: super::List<LineItems>,
                pub discounts: Option<Vec<super::Expandable<Discounts>>>,
                pub taxes: Option<super::Emptyable<Vec<Box<TaxAmounts>>>>,
                pub one: Option<Charges>,
                pub details: Vec<PaymentDetails>,
                pub statuses: Vec<Status>,
                pub analytics: Vec<Analytics>,
                pub names: Vec<String>,
                pub charges: Vec<Charge>,
                pub groups: Vec<Vec<Fees>>,
            }
            pub struct LineItems;
            pub struct Discounts;
            pub enum TaxAmounts {}
            pub struct Charges;
            pub struct PaymentDetails;
            pub enum Status {}
            pub struct Analytics;
            pub struct Charge;
            pub struct Fees;
        ";
        assert_eq!(
            names(&plural_item_names(&api("invoices", source))),
            [
                "invoices::Discounts",
                "invoices::Fees",
                "invoices::LineItems",
                "invoices::TaxAmounts"
            ]
        );
        assert!(is_plural("PaymentMethods") && !is_plural("Address") && !is_plural("Bonus"));
    }

    #[test]
    fn stuttering_names_say_a_word_twice_in_a_row() {
        let source = "
            pub struct DisputeDispute;
            pub enum AlertAlertType {}
            pub struct TaxIdId(String);
            pub struct Dispute;
            pub struct AlertTypeAlert;
            pub struct IdIdentity;
            /// `GET /v1/items/{item}/item`
            pub fn get_items_item_item() {}
            /// `GET /v1/items`
            pub fn list_items() {}
        ";
        let items = stuttering_names(&api("disputes", source));
        assert_eq!(
            names(&items),
            [
                "disputes::DisputeDispute",
                "disputes::AlertAlertType",
                "disputes::TaxIdId",
                "disputes::get_items_item_item"
            ]
        );
        assert_eq!(items[2], Item::detailed("disputes::TaxIdId", "Id"));
    }

    #[test]
    fn names_over_80_chars_are_longer_than_80() {
        let long = format!(
            "pub struct A{}; pub struct B{};",
            "x".repeat(80),
            "x".repeat(79)
        );
        let api = api("shared", &long);
        assert_eq!(
            names(&names_over_80_chars(&api)),
            [format!("shared::A{}", "x".repeat(80))]
        );
    }

    #[test]
    fn name_lengths_are_the_upper_median_and_the_nearest_rank_95th_percentile() {
        let names: Vec<String> = (1..=20).rev().map(|n| "N".repeat(n)).collect();
        let lengths = Lengths::of(names.iter().map(String::as_str));
        assert_eq!((lengths.median, lengths.p95, lengths.max), (11, 19, 20));
        assert_eq!(lengths.longest, "N".repeat(20));
    }

    #[test]
    fn string_enums_are_grouped_by_their_values_without_the_catch_all() {
        let enumeration = |name: &str, values: &[&str]| {
            let arms: String = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("Self::V{i} => {v:?},"))
                .collect();
            format!(
                "pub enum {name} {{}}
                impl {name} {{
                    pub fn as_str(&self) -> &str {{
                        match self {{ {arms} Self::Unrecognized(value) => value, }}
                    }}
                }}"
            )
        };
        let source = [
            enumeration("Status", &["active", "canceled"]),
            enumeration("SubscriptionStatus", &["canceled", "active"]),
            enumeration("ScheduleStatus", &["active", "canceled"]),
            enumeration("Interval", &["day", "month"]),
            enumeration("PriceInterval", &["month", "day"]),
            enumeration("Mode", &["live"]),
            enumeration("Unknown", &[]),
            enumeration("Other", &[]),
        ]
        .concat();
        let api = api("billing", &source);
        assert_eq!(
            api.string_enums["billing::Status"],
            BTreeSet::from(["active".into(), "canceled".into()])
        );
        let row = enums_repeating_values(&api);
        assert_eq!(row.count, Some(3));
        assert_eq!(
            row.items,
            [
                Item::Group {
                    values: vec!["active".into(), "canceled".into()],
                    enums: [
                        "billing::ScheduleStatus",
                        "billing::Status",
                        "billing::SubscriptionStatus"
                    ]
                    .map(String::from)
                    .to_vec(),
                },
                Item::Group {
                    values: vec!["day".into(), "month".into()],
                    enums: vec!["billing::Interval".into(), "billing::PriceInterval".into()],
                },
            ]
        );
    }

    #[test]
    fn a_crate_is_its_modules_without_the_runtime_and_re_exports() {
        let dir = std::env::temp_dir().join(format!("xtask-names-{}", std::process::id()));
        let src = dir.join("src");
        std::fs::create_dir_all(src.join("runtime")).unwrap();
        std::fs::write(
            src.join("lib.rs"),
            "mod runtime;\npub use runtime::*;\npub mod customers;\n",
        )
        .unwrap();
        std::fs::write(src.join("runtime/mod.rs"), "pub struct Client;").unwrap();
        std::fs::write(src.join("customers.rs"), "pub struct Customer;").unwrap();
        let api = read_crate(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let types: Vec<String> = api.unwrap().types.iter().map(|t| t.path()).collect();
        assert_eq!(types, ["customers::Customer"]);
    }
}
