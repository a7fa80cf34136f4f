//! stripegen: generates a typed Rust client crate from Stripe's OpenAPI specification.
//!
//! The pipeline has one module per stage, and data flows one way:
//! [`load`] (YAML/JSON + overlays -> checked `openapiv3::OpenAPI`) -> [`lower`] (-> plain-data
//! [`ir`]) -> [`emit`] (-> tokens) and [`format`] (-> source text), driven per module by
//! [`render`] (-> the crate's files) -> [`output`] (-> files on disk, or a drift check).
//! [`schema`] and [`stripe`] read the spec for both [`lower`] and [`diff`], so the generator and
//! `spec-diff` agree on what each of Stripe's conventions is.

pub mod diff;
pub mod docs;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod output;
mod pointer;
pub mod render;
pub mod schema;
pub mod stripe;

use std::path::PathBuf;

pub use error::{Error, Result};
pub use output::Output;

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Config {
    /// The spec, YAML or JSON.
    pub spec: PathBuf,
    /// Overlays applied in this order (see [`load::overlay_files`] for a directory's order).
    pub overlays: Vec<PathBuf>,
    /// Package name of the generated crate.
    pub crate_name: String,
}

impl Config {
    /// The configuration that produces this workspace's checked-in `generated/` crate:
    /// `spec/stripe.yaml` with every overlay in `spec/overlays/`.
    pub fn for_workspace(root: &std::path::Path) -> Result<Self> {
        Ok(Self {
            spec: root.join("spec/stripe.yaml"),
            overlays: load::overlay_files(&root.join("spec/overlays"))?,
            crate_name: "stripe-api".to_string(),
        })
    }
}

/// Runs every stage and returns the generated crate's files, without touching the disk.
pub fn generate(config: &Config) -> Result<Output> {
    let loaded = load::load(&config.spec, &config.overlays)?;
    let api = lower::lower(&loaded)?;
    // Freeing the parsed spec takes a while: it happens while the modules are being formatted.
    std::thread::scope(|scope| {
        scope.spawn(move || drop(loaded));
        render::crate_files(&api, config)
    })
}

/// Loads and lowers a spec: the IR, for tools that inspect rather than emit.
pub fn lower_spec(config: &Config) -> Result<ir::Api> {
    let loaded = load::load(&config.spec, &config.overlays)?;
    lower::lower(&loaded)
}

/// The generated modules as one formatted file of inline `pub mod`s, for snapshot tests: it
/// compiles inside any module that re-exports the runtime.
pub fn generate_modules_inline(config: &Config) -> Result<String> {
    let api = lower_spec(config)?;
    let modules = api.modules.iter().map(|module| {
        let name = proc_macro2::Ident::new(&module.name, proc_macro2::Span::call_site());
        let items = emit::module(module);
        quote::quote! { pub mod #name { #items } }
    });
    format::rust(quote::quote! { #(#modules)* }, "fixture")
}
