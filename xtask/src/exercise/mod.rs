//! `cargo xtask full-api --exercise FIXTURES`: the whole generated API exercised, not only
//! compiled (issue 15). Writes, next to the full-API crate, a harness crate (`exercise/main.rs`
//! of this package, plus a `calls.rs` generated from the IR: one entry per operation, one per
//! fixture) and the cases synthesized from the spec (`cases.rs`), builds it and runs it against
//! stripe-python. The harness prints the table and fails on any difference.

use std::path::{Path, PathBuf};
use std::process::Command;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::{json, Value};
use stripegen::ir::{Api, Direction, Operation, TypeKind, TypeRef};

mod cases;

/// The harness's fixed part, compiled into every harness crate.
const HARNESS_MAIN: &str = include_str!("../../exercise/main.rs");

/// Writes the harness for the crate `crate_name` (generated from `spec` with `overlays` into
/// `crate_dir`) into `dir`, with the cases from the same spec and `fixtures`.
pub fn write(
    spec: &Path,
    overlays: &[PathBuf],
    fixtures: &Path,
    crate_name: &str,
    crate_dir: &Path,
    dir: &Path,
) -> Result<(), String> {
    let loaded = stripegen::load::load(spec, overlays).map_err(|e| e.to_string())?;
    let api = stripegen::lower::lower(&loaded).map_err(|e| e.to_string())?;
    let fixtures = stripegen::load::read_document(fixtures).map_err(|e| e.to_string())?;
    let fixtures = fixtures["resources"]
        .as_object()
        .ok_or("the fixtures file has no `resources` object")?;

    let mut operations = Vec::new();
    for operation in api.modules.iter().flat_map(|m| &m.operations) {
        let (method, path) = operation.origin.split_once(' ').ok_or_else(|| {
            format!(
                "operation origin `{}` is not `METHOD /path`",
                operation.origin
            )
        })?;
        let cases = cases::operation(&loaded.raw, fixtures, &method.to_lowercase(), path)?;
        let call_args: Vec<Value> = operation
            .path_params
            .iter()
            .map(|p| cases.path_args[&p.wire_name].clone())
            .collect();
        let plain_call_args: Vec<String> = operation
            .path_params
            .iter()
            .map(|p| cases::plain_path_arg(&p.wire_name))
            .collect();
        operations.push(json!({
            "key": operation.origin,
            "method": cases.method,
            "path": cases.path,
            "multipart": cases.multipart,
            "path_args": cases.path_args,
            "call_args": call_args,
            "plain_call_args": plain_call_args,
            "param_sets": cases.param_sets,
            "response": cases.response,
            "expected": cases.expected,
        }));
    }
    // A fixtures file of another release may have resources this spec doesn't: those are not
    // this crate's to read. Every fixture of a schema the spec has must round-trip.
    let (fixtures, foreign): (Vec<_>, Vec<_>) = fixtures.iter().partition(|(schema, _)| {
        loaded.raw["components"]["schemas"]
            .get(schema.as_str())
            .is_some()
    });
    if !foreign.is_empty() {
        let names: Vec<&str> = foreign.iter().map(|(schema, _)| schema.as_str()).collect();
        println!(
            "fixtures of schemas the spec doesn't have, left out: {}",
            names.join(", ")
        );
    }
    let fixture_cases: Vec<Value> = fixtures
        .iter()
        .map(|(schema, object)| {
            let schema_ref = json!({ "$ref": format!("#/components/schemas/{schema}") });
            json!({
                "schema": schema,
                "object": object,
                "expected": cases::described(&loaded.raw, &schema_ref, object),
            })
        })
        .collect();
    let cases = json!({ "fixtures": fixture_cases, "operations": operations });

    let calls = calls_source(&api, fixtures.iter().map(|(schema, _)| schema.as_str()))?;
    let crate_dir = crate_dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", crate_dir.display()))?;
    let crate_dir = crate_dir.display();
    let wire = crate::workspace_root().join("tests/wire");
    let wire = wire.display();
    let manifest = format!(
        r#"# Written by `cargo xtask full-api --exercise`.
[package]
name = "exercise"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
api = {{ package = "{crate_name}", path = "{crate_dir}", features = ["deserialize-params"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_path_to_error = "0.1"
stripegen-wire = {{ path = "{wire}" }}
tokio = {{ version = "1", features = ["macros", "rt"] }}
url = "2"
wiremock = "0.6"

[workspace]
"#
    );
    let files = [
        ("Cargo.toml", manifest),
        ("src/main.rs", HARNESS_MAIN.to_owned()),
        ("src/calls.rs", calls),
        (
            "cases.json",
            serde_json::to_string(&cases).map_err(|e| e.to_string())?,
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    crate::use_workspace_lockfile(dir)
}

/// Builds the harness in `dir` (warnings are errors, in it and in the crate it exercises) and
/// runs it with stripe-python. Returns whether every check passed.
pub fn run(dir: &Path) -> Result<bool, String> {
    if !crate::full_api_cargo("build", &dir.join("Cargo.toml"), &[], "exercise")? {
        return Ok(false);
    }
    let workspace = crate::workspace_root();
    let python = stripegen_python::python_with_sdk();
    let started = std::time::Instant::now();
    let status = Command::new(crate::full_api_target_dir().join("debug/exercise"))
        .arg(dir.join("cases.json"))
        .arg(python)
        .arg(workspace.join("tests/conformance/send_requests.py"))
        .status()
        .map_err(|e| format!("cannot run the exercise: {e}"))?;
    println!("exercise: {status} in {:.2?}", started.elapsed());
    Ok(status.success())
}

fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The harness's path of a generated type.
fn type_path(module: &str, name: &str) -> TokenStream {
    let (module, name) = (ident(module), ident(name));
    quote! { api::#module::#name }
}

/// `calls.rs`: `OPERATIONS`, a call per operation; `FIXTURE_TYPES`, the resource type of each
/// fixture's schema.
fn calls_source<'f>(api: &Api, fixtures: impl Iterator<Item = &'f str>) -> Result<String, String> {
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    for module in &api.modules {
        for operation in &module.operations {
            let name = ident(&format!("call_{}", functions.len()));
            functions.push(call_function(&name, &module.name, operation)?);
            let key = &operation.origin;
            entries.push(quote! { (#key, #name) });
        }
    }
    let mut types = Vec::new();
    for schema in fixtures {
        // The type the schema itself became: lowering pushes a component's inline types (whose
        // origin is the component too) before it, so it is the last type of that origin.
        let found = api.modules.iter().find_map(|module| {
            module
                .types
                .iter()
                .rev()
                .find(|ty| {
                    ty.origin == schema
                        && ty.direction == Direction::Response
                        && matches!(ty.kind, TypeKind::Struct { .. } | TypeKind::Union { .. })
                })
                .map(|ty| type_path(&module.name, &ty.name))
        });
        if let Some(path) = found {
            types.push(quote! { (#schema, crate::round_trip::<#path>) });
        }
    }
    let tokens = quote! {
        //! Generated by `cargo xtask full-api --exercise` from the IR of the crate it exercises.
        // Every call is exercised, the deprecated ones too.
        #![allow(deprecated)]

        use serde_json::Value;

        use crate::{Call, Outcome, RoundTrip};

        pub const OPERATIONS: &[(&str, Call)] = &[#(#entries),*];

        pub const FIXTURE_TYPES: &[(&str, RoundTrip)] = &[#(#types),*];

        #(#functions)*
    };
    stripegen::format::rust(tokens, "calls").map_err(|e| e.to_string())
}

fn call_function(name: &Ident, module: &str, operation: &Operation) -> Result<TokenStream, String> {
    let mut reads = Vec::new();
    let mut args = Vec::new();
    for (index, param) in operation.path_params.iter().enumerate() {
        let arg = ident(&format!("arg_{index}"));
        let ty = match &param.ty {
            TypeRef::String => quote! { String },
            TypeRef::Named { module, name } => type_path(module, name),
            other => {
                return Err(format!(
                    "{}: path parameter `{}` has a type the exercise can't build: {other:?}",
                    operation.origin, param.name
                ))
            }
        };
        reads.push(quote! { let #arg: #ty = crate::path_arg(args, #index)?; });
        args.push(quote! { &#arg });
    }
    match &operation.params {
        Some(params) => {
            let ty = type_path(module, params);
            reads.push(quote! { let params: #ty = crate::params(params)?; });
            args.push(quote! { &params });
        }
        None => reads.push(quote! { crate::no_params(params)?; }),
    }
    let function = ident(&operation.fn_name);
    let module_ident = ident(module);
    let call = match &operation.owner {
        Some(owner) => {
            let (owner_module, owner) = (ident(&owner.module), ident(&owner.name));
            quote! { api::#owner_module::#owner::#function }
        }
        None => quote! { api::#module_ident::#function },
    };
    let args_name = if operation.path_params.is_empty() {
        quote! { _args }
    } else {
        quote! { args }
    };
    Ok(quote! {
        fn #name<'a>(client: &'a api::Client, #args_name: &'a [String], params: &'a Value) -> Outcome<'a> {
            Box::pin(async move {
                #(#reads)*
                crate::response(#call(client, #(#args),*).await)
            })
        }
    })
}
