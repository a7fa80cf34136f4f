//! Stage 3: IR -> tokens, one function per kind of item. Generated code names everything of the
//! runtime and of sibling modules through `super::`, so a module compiles wherever the runtime is
//! re-exported by its parent (the generated crate's root, or a test module).
//!
//! `types` spells out type definitions (structs with their `Deserialize`, enums, unions, IDs),
//! `calls` the functions of the operations. Emission decides nothing: every name and type comes
//! from the IR.

mod calls;
mod field_table;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::*;

/// The items of one module; an error names a type that cannot be emitted.
pub fn module(module: &Module) -> Result<TokenStream, String> {
    let types = module
        .types
        .iter()
        .map(|def| type_def(def, &module.name, &gate_within(&def.gate, &module.gate)))
        .collect::<Result<Vec<_>, String>>()?;
    let calls = calls::operations(module);
    Ok(quote! {
        #(#types)*
        #calls
    })
}

/// The crate root: docs, the runtime re-exported, the modules and the API version.
pub fn crate_root(api: &Api) -> TokenStream {
    let version = &api.version;
    let modules = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        let docs = doc(&module_doc(m));
        let gate = gate(&m.gate);
        // prettyplease, not rustfmt, formats generated modules: keep `cargo fmt` off them.
        quote! { #docs #gate #[rustfmt::skip] pub mod #name; }
    });
    quote! {
        #![doc = include_str!("../README.md")]
        #![cfg_attr(docsrs, feature(doc_cfg))]
        mod runtime;
        pub use runtime::*;
        #(#modules)*
        /// The API version this crate was generated from: the default `Stripe-Version`.
        pub const API_VERSION: &str = #version;
    }
}

/// A module's rustdoc: its resources, what each is (the first sentence of its description) and
/// its calls; for a module without resources, its types when they are few.
fn module_doc(module: &Module) -> String {
    let path = |item: &str| format!("crate::{}::{item}", module.name);
    let resources: Vec<&TypeDef> = module
        .types
        .iter()
        .filter(|def| {
            matches!(
                def.kind,
                TypeKind::Struct {
                    object: Some(ObjectImpl { deleted: false, .. }),
                    ..
                }
            )
        })
        .collect();
    let mut text = if resources.is_empty() {
        format!(
            "Types of `{}` that the calls of the other modules use.",
            module.name
        )
    } else {
        let names: Vec<String> = resources
            .iter()
            .map(|r| format!("[`{}`]({})", r.name, path(&r.name)))
            .collect();
        format!(
            "Stripe's `{}` API: {}, with their calls and the types they use.",
            module.name,
            names.join(", ")
        )
    };
    let calls_of = |owner: Option<&CallOwner>| -> Vec<String> {
        module
            .operations
            .iter()
            .filter(|op| op.owner.as_ref() == owner)
            .flat_map(|op| std::iter::once(&op.fn_name).chain(op.paginate.as_ref().map(|p| &p.0)))
            .map(|f| match owner {
                Some(owner) => format!("[`{f}`](crate::{}::{}::{f})", owner.module, owner.name),
                None => format!("[`{f}`]({})", path(f)),
            })
            .collect()
    };
    text.push('\n');
    for resource in &resources {
        let summary = first_sentence(&resource.doc);
        text.push_str(&format!(
            "\n- [`{}`]({})",
            resource.name,
            path(&resource.name)
        ));
        if !summary.is_empty() {
            text.push_str(&format!(": {summary}"));
        }
        let calls = calls_of(Some(&CallOwner {
            module: module.name.clone(),
            name: resource.name.clone(),
        }));
        if !calls.is_empty() {
            text.push_str(&format!(" Calls: {}.", calls.join(", ")));
        }
    }
    // Calls on types of other modules (resources without an ID, such as `shared::Balance`).
    let mut foreign: Vec<&CallOwner> = module
        .operations
        .iter()
        .filter_map(|op| op.owner.as_ref())
        .filter(|owner| owner.module != module.name)
        .collect();
    foreign.sort();
    foreign.dedup();
    for owner in foreign {
        text.push_str(&format!(
            "\n- Calls on [`{0}::{1}`](crate::{0}::{1}): {2}.",
            owner.module,
            owner.name,
            calls_of(Some(owner)).join(", ")
        ));
    }
    let free = calls_of(None);
    if !free.is_empty() {
        text.push_str(&format!("\n- Calls: {}.", free.join(", ")));
    }
    if resources.is_empty() && module.types.len() <= 12 {
        for def in &module.types {
            text.push_str(&format!("\n- [`{}`]({})", def.name, path(&def.name)));
        }
    }
    let gated = module.operations.iter().any(|op| op.gate != Gate::Always);
    if let Some(feature) = module.feature.as_ref().filter(|_| gated) {
        text.push_str(&format!(
            "\n\nIts calls need the crate feature `{feature}` (on by default); each type is \
             compiled with the features whose calls use it."
        ));
    }
    text
}

/// `#[cfg]` for an item compiled with `gate`: nothing when it is always compiled.
pub fn gate(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::AnyOf(features) => match features.as_slice() {
            [feature] => quote! { #[cfg(feature = #feature)] },
            features => quote! { #[cfg(any(#(feature = #features),*))] },
        },
    }
}

/// `#[cfg]` for an item compiled with `item` inside one compiled with `context`: nothing when
/// the item is compiled whenever its context is.
fn gate_within(item: &Gate, context: &Gate) -> TokenStream {
    if item.covers(context) {
        TokenStream::new()
    } else {
        gate(item)
    }
}

/// The first sentence of a description, on one line.
fn first_sentence(doc: &str) -> String {
    let paragraph = doc.split("\n\n").next().unwrap_or("").replace('\n', " ");
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_string(),
        None => paragraph.trim().to_string(),
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

fn deprecated(flag: bool) -> TokenStream {
    if flag {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    }
}

/// The Rust type for a reference, seen from inside `module`.
pub fn type_ref(ty: &TypeRef, module: &str) -> TokenStream {
    match ty {
        TypeRef::Bool => quote! { bool },
        TypeRef::Int => quote! { i64 },
        TypeRef::Float => quote! { f64 },
        TypeRef::String => quote! { String },
        TypeRef::Timestamp => quote! { super::Timestamp },
        TypeRef::DateTime => quote! { super::DateTime },
        TypeRef::FileUpload => quote! { super::FileUpload },
        TypeRef::Bytes => quote! { Vec<u8> },
        TypeRef::Nullable(inner) => {
            let inner = type_ref(inner, module);
            quote! { super::Nullable<#inner> }
        }
        TypeRef::V2List(item) => {
            let item = type_ref(item, module);
            quote! { super::V2List<#item> }
        }
        TypeRef::SearchList(item) => {
            let item = type_ref(item, module);
            quote! { super::SearchList<#item> }
        }
        TypeRef::Decimal => quote! { super::Decimal },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::JsonObject => quote! { ::serde_json::Map<String, ::serde_json::Value> },
        TypeRef::Named {
            module: target,
            name,
        } => {
            let name = ident(name);
            if target == module {
                quote! { #name }
            } else {
                let target = ident(target);
                quote! { super::#target::#name }
            }
        }
        TypeRef::Vec(item) => {
            let item = type_ref(item, module);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_ref(value, module);
            quote! { ::std::collections::BTreeMap<String, #value> }
        }
        TypeRef::Expandable {
            object, deleted, ..
        } => {
            let object = type_ref(object, module);
            match deleted {
                Some(deleted) => {
                    let deleted = type_ref(deleted, module);
                    quote! { super::Expandable<super::Deletable<#object, #deleted>> }
                }
                None => quote! { super::Expandable<#object> },
            }
        }
        TypeRef::Deletable { live, deleted } => {
            let live = type_ref(live, module);
            let deleted = type_ref(deleted, module);
            quote! { super::Deletable<#live, #deleted> }
        }
        TypeRef::Emptyable(inner) => {
            let inner = type_ref(inner, module);
            quote! { super::Emptyable<#inner> }
        }
        TypeRef::List(item) => {
            let item = type_ref(item, module);
            quote! { super::List<#item> }
        }
        TypeRef::RangeQuery => quote! { super::RangeQuery },
        TypeRef::RangeBounds => quote! { super::RangeBounds },
        TypeRef::Event { event_type, object } => {
            let event_type = type_ref(event_type, module);
            let object = type_ref(object, module);
            quote! { super::webhook::Event<#event_type, #object> }
        }
    }
}

/// A type and its impls, each item behind `gate`.
fn type_def(def: &TypeDef, module: &str, gate: &TokenStream) -> Result<TokenStream, String> {
    let docs = doc(&def.doc);
    let deprecated = deprecated(def.deprecated);
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct { fields, object } => {
            types::structure(&name, fields, object.as_ref(), def.direction, module, gate)?
        }
        TypeKind::Enum { variants } => types::string_enum(&name, variants, gate),
        TypeKind::Union {
            variants,
            dispatch_on_object,
        } => types::union(
            &name,
            variants,
            *dispatch_on_object,
            def.direction,
            module,
            gate,
        ),
        TypeKind::Id => types::id(&name, gate),
        TypeKind::TestHelpers => quote! {
            #gate
            #[derive(Clone, Copy, Debug)]
            pub struct #name;
        },
        TypeKind::Alias(ty) => {
            // The event envelope lives in the runtime's `webhook` module, there with `webhooks`.
            let webhooks = matches!(ty, TypeRef::Event { .. })
                .then(|| quote! { #[cfg(feature = "webhooks")] });
            let ty = type_ref(ty, module);
            quote! { #gate #webhooks pub type #name = #ty; }
        }
    };
    Ok(quote! {
        #docs
        #deprecated
        #body
    })
}
