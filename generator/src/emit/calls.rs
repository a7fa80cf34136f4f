//! Calls: one function per operation, in an `impl` block of the resource it returns (or free),
//! plus the auto-paginating twin of a list call.

use proc_macro2::TokenStream;
use quote::quote;

use super::{deprecated, doc, gate_within, ident, type_ref};
use crate::ir::*;

pub(super) fn operations(module: &Module) -> TokenStream {
    let mut owners: Vec<Option<&CallOwner>> = Vec::new();
    for op in &module.operations {
        if !owners.contains(&op.owner.as_ref()) {
            owners.push(op.owner.as_ref());
        }
    }
    let blocks = owners.into_iter().map(|owner| {
        // The `impl` block is there with its type; a call, with its module's feature.
        let owner_gate = owner
            .filter(|owner| owner.module == module.name)
            .and_then(|owner| module.types.iter().find(|def| def.name == owner.name))
            .map_or(&module.gate, |def| &def.gate);
        let calls = module
            .operations
            .iter()
            .filter(|op| op.owner.as_ref() == owner)
            .map(|op| call(op, &module.name, &gate_within(&op.gate, owner_gate)));
        match owner {
            Some(owner) => {
                let owner = type_ref(
                    &TypeRef::Named {
                        module: owner.module.clone(),
                        name: owner.name.clone(),
                    },
                    &module.name,
                );
                let gate = gate_within(owner_gate, &module.gate);
                quote! { #gate impl #owner { #(#calls)* } }
            }
            None => quote! { #(#calls)* },
        }
    });
    quote! { #(#blocks)* }
}

fn call(op: &Operation, module: &str, gate: &TokenStream) -> TokenStream {
    let docs = doc(&op.doc);
    let deprecated = deprecated(op.deprecated);
    let fn_name = ident(&op.fn_name);
    let path_args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            match &p.ty {
                TypeRef::String => quote! { #name: &str },
                ty => {
                    let ty = type_ref(ty, module);
                    quote! { #name: &#ty }
                }
            }
        })
        .collect();
    let params_ident = op.params.as_deref().map(ident);
    let params_arg = params_ident
        .as_ref()
        .map(|params| quote! { params: &'a #params });
    let mut template = op.path.clone();
    let mut segments = Vec::new();
    for p in &op.path_params {
        template = template.replace(&format!("{{{}}}", p.wire_name), "{}");
        let name = ident(&p.name);
        segments.push(match &p.ty {
            TypeRef::String => quote! { super::PathSegment(#name) },
            _ => quote! { super::PathSegment(#name.as_str()) },
        });
    }
    let path = if segments.is_empty() {
        quote! { #template.to_owned() }
    } else {
        quote! { format!(#template, #(#segments),*) }
    };
    let method = ident(op.method.variant());
    let method = quote! { super::Method::#method };
    let params_value = match &op.params {
        Some(_) => quote! { Some(params) },
        None => quote! { None::<&()> },
    };
    let response = type_ref(&op.response, module);
    let args: Vec<TokenStream> = path_args.iter().cloned().chain(params_arg).collect();
    let binary = op.response == TypeRef::Bytes;
    // Most calls are v1 forms to the API's own host: the short `send`. The others say how
    // their parameters travel and where to.
    let send = if op.encoding == Encoding::Form && op.server.is_none() && !binary {
        quote! { client.send(#method, #path, #params_value) }
    } else {
        let encoding = ident(op.encoding.variant());
        let server = match &op.server {
            Some(server) => quote! { Some(#server) },
            None => quote! { None },
        };
        let route = quote! {
            super::Route { method: #method, server: #server, encoding: super::Encoding::#encoding }
        };
        if binary {
            quote! { client.send_route_bytes(#route, #path, #params_value) }
        } else {
            quote! { client.send_route(#route, #path, #params_value) }
        }
    };
    let paginate = match op.response {
        TypeRef::V2List(_) => quote! { paginate_v2 },
        TypeRef::SearchList(_) => quote! { paginate_search },
        _ => quote! { paginate },
    };
    let paginated = op.paginate.as_ref().map(|(name, item)| {
        let name = ident(name);
        let item = type_ref(item, module);
        let doc = format!(
            " Every item of [`Self::{}`], fetched page by page as the stream is polled.",
            op.fn_name
        );
        quote! {
            #[doc = #doc]
            #gate
            #deprecated
            #[inline]
            pub fn #name(client: &super::Client, #(#path_args,)* params: &#params_ident) -> super::ListStream<#item> {
                client.#paginate(#path, params)
            }
        }
    });
    quote! {
        #docs
        #gate
        #deprecated
        #[inline]
        pub fn #fn_name<'a>(
            client: &'a super::Client,
            #(#args),*
        ) -> impl ::std::future::Future<Output = Result<#response, super::Error>> + 'a {
            #send
        }
        #paginated
    }
}
