//! Type definitions: structs (a response struct with its lean `Deserialize`, a request struct
//! with its constructor), string enums, unions and ID newtypes.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::field_table::{field_table, FieldTable};
use super::{deprecated, doc, ident, type_ref};
use crate::ir::*;
use crate::names::snake;

pub(super) fn structure(
    name: &Ident,
    fields: &[Field],
    object: Option<&ObjectImpl>,
    direction: Direction,
    module: &str,
    gate: &TokenStream,
) -> Result<TokenStream, String> {
    let all_optional = fields.iter().all(|f| !f.required);
    let field_tokens = fields.iter().map(|field| {
        let docs = doc(&field.doc);
        let deprecated = deprecated(field.deprecated);
        let field_name = ident(&field.name);
        let mut ty = type_ref(&field.ty, module);
        if field.boxed {
            ty = quote! { Box<#ty> };
        }
        if !field.required {
            ty = quote! { Option<#ty> };
        }
        let rename = (field.name != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote! { #[serde(rename = #wire)] }
        });
        // Requests never send absent fields. Responses write `null` back where the API does.
        let skip = (!field.required && (direction == Direction::Request || !field.nullable))
            .then(|| quote! { #[serde(skip_serializing_if = "Option::is_none")] });
        // Read back from JSON, `null` is `Some(Nullable::Null)`, not an absent field.
        let read_null = matches!(field.ty, TypeRef::Nullable(_)).then(|| {
            quote! {
                #[cfg_attr(feature = "deserialize-params", serde(default, deserialize_with = "super::deserialize_nullable"))]
            }
        });
        quote! {
            #docs
            #deprecated
            #rename
            #skip
            #read_null
            pub #field_name: #ty,
        }
    });
    match direction {
        Direction::Response => {
            let object_impl = object.and_then(|object| {
                let id = ident(&object.id_type);
                if object.deleted {
                    let id = type_ref(
                        &TypeRef::Named {
                            module: object.id_module.clone(),
                            name: object.id_type.clone(),
                        },
                        module,
                    );
                    return object.id_always_present.then(|| {
                        quote! {
                            #gate
                            impl super::DeletedOf<#id> for #name {
                                fn id(&self) -> &#id {
                                    &self.id
                                }
                            }
                        }
                    });
                }
                let has_id = object.id_always_present.then(|| {
                    quote! {
                        #gate
                        impl super::HasId for #name {
                            fn id(&self) -> &#id {
                                &self.id
                            }
                        }
                    }
                });
                Some(quote! {
                    #gate
                    impl super::Object for #name {
                        type Id = #id;
                    }
                    #has_id
                })
            });
            let deserialize = deserialize_struct(name, fields, gate)?;
            Ok(quote! {
                #gate
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
                #[non_exhaustive]
                pub struct #name {
                    #(#field_tokens)*
                }
                #deserialize
                #object_impl
            })
        }
        Direction::Request => {
            let constructor = request_constructor(name, fields, module, gate);
            let default = all_optional.then(|| quote! { Default, });
            // Request structs (and request unions below) can also be read from JSON behind the
            // generated crate's off-by-default `deserialize-params` feature (property tests).
            Ok(quote! {
                #gate
                #[derive(Clone, Debug, #default PartialEq, ::serde::Serialize)]
                #[cfg_attr(feature = "deserialize-params", derive(::serde::Deserialize))]
                pub struct #name {
                    #(#field_tokens)*
                }
                #constructor
            })
        }
    }
}

/// `Deserialize` for a response struct: `from_fields` reads a JSON object's members, and the
/// runtime's `impl_deserialize_object!` wraps it in a visitor. Unlike serde's derive it reads only
/// objects, and finds keys with the shared runtime matcher (`Fields::next_field`: the name after
/// the last one found first, then a scan; unknown keys skipped), so each struct compiles to a
/// single small visitor: responses are most of the generated crate's compile time. The names
/// are sorted, which is mostly the order Stripe writes them in.
fn deserialize_struct(
    name: &Ident,
    fields: &[Field],
    gate: &TokenStream,
) -> Result<TokenStream, String> {
    let mut sorted: Vec<(usize, &Field)> = fields.iter().enumerate().collect();
    sorted.sort_by(|a, b| a.1.wire_name.cmp(&b.1.wire_name));
    let slot = |index: usize| format_ident!("slot_{index}");
    let slots: Vec<Ident> = (0..fields.len()).map(slot).collect();
    let wires: Vec<&str> = sorted.iter().map(|(_, f)| f.wire_name.as_str()).collect();
    let FieldTable {
        seed,
        slots: table_slots,
    } = field_table(&wires).ok_or_else(|| {
        format!("the fields of `{name}` repeat a name, or are too many to look up")
    })?;
    let slot_values = table_slots
        .into_iter()
        .map(proc_macro2::Literal::u16_unsuffixed);
    let seed = proc_macro2::Literal::u64_unsuffixed(seed);
    let table = quote! { &[#(#wires),*], &[#(#slot_values),*], #seed };
    // A field that is an `Option` anyway reads straight into its slot (`null` is `None`); a
    // required one is wrapped, so a missing key can be told apart.
    let reads: Vec<TokenStream> = sorted
        .iter()
        .map(|(index, field)| {
            let slot = slot(*index);
            if field.required {
                quote! { #slot = Some(map.next_value()?) }
            } else {
                quote! { #slot = map.next_value()? }
            }
        })
        .collect();
    let inits = fields.iter().zip(&slots).map(|(field, slot)| {
        let field_name = ident(&field.name);
        let wire = &field.wire_name;
        if field.required {
            quote! { #field_name: super::required(#slot, #wire)? }
        } else {
            quote! { #field_name: #slot }
        }
    });
    let read_fields = match reads.as_slice() {
        [] => quote! {
            let mut fields = super::Fields::new(#table);
            while fields.next_field(&mut map)?.is_some() {}
        },
        [read] => quote! {
            #(let mut #slots = None;)*
            let mut fields = super::Fields::new(#table);
            while fields.next_field(&mut map)?.is_some() {
                #read;
            }
        },
        _ => {
            let positions = (0..reads.len()).map(proc_macro2::Literal::usize_unsuffixed);
            quote! {
                #(let mut #slots = None;)*
                let mut fields = super::Fields::new(#table);
                while let Some(field) = fields.next_field(&mut map)? {
                    match field {
                        #(#positions => #reads,)*
                        _ => {}
                    }
                }
            }
        }
    };
    let allow_deprecated = fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    let from_fields = ident(FROM_FIELDS);
    Ok(quote! {
        #gate
        impl #name {
            #allow_deprecated
            fn #from_fields<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #read_fields
                Ok(Self { #(#inits,)* })
            }
        }
        #gate
        super::impl_deserialize_object!(#name);
    })
}

/// `new(required...)` for every request struct (`new()` when nothing is required), so every
/// parameter struct is built the same way.
fn request_constructor(
    name: &Ident,
    fields: &[Field],
    module: &str,
    gate: &TokenStream,
) -> TokenStream {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let field_name = ident(&f.name);
        let ty = type_ref(&f.ty, module);
        if f.boxed {
            quote! { #field_name: Box<#ty> }
        } else {
            quote! { #field_name: impl Into<#ty> }
        }
    });
    let inits = fields.iter().map(|f| {
        let field_name = ident(&f.name);
        if !f.required {
            quote! { #field_name: None }
        } else if f.boxed {
            quote! { #field_name }
        } else {
            quote! { #field_name: #field_name.into() }
        }
    });
    // Leaving a deprecated field unset is no use of it.
    let allow_deprecated = fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    quote! {
        #gate
        impl #name {
            /// Sets the required fields; the others start out unset.
            #allow_deprecated
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

pub(super) fn string_enum(name: &Ident, variants: &[Variant], gate: &TokenStream) -> TokenStream {
    let unknown = ident(CATCH_ALL_VARIANT);
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire_name.as_str()).collect();
    // A variant's doc gives its spelling where its name doesn't (`V3ds` for `3ds`,
    // `IdentityVerificationSessionCanceled` for `identity.verification_session.canceled`).
    let variant_docs = variants.iter().map(|v| {
        if snake(&v.name) == v.wire_name {
            TokenStream::new()
        } else {
            doc(&format!("`{}`", v.wire_name))
        }
    });
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #names,)*
            /// A value this version of the crate does not know; also lets you send one.
            #unknown(String),
        }
        #gate
        impl #name {
            /// The value as Stripe spells it.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#names => #wires,)*
                    Self::#unknown(value) => value,
                }
            }
            #[inline]
            fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#names,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }
        #gate
        super::impl_string_enum!(#name);
    }
}

pub(super) fn union(
    name: &Ident,
    variants: &[UnionVariant],
    dispatch_on_object: bool,
    direction: Direction,
    module: &str,
    gate: &TokenStream,
) -> TokenStream {
    let unknown = ident(CATCH_ALL_VARIANT);
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let ty = type_ref(&v.ty, module);
            match v.ty {
                TypeRef::Named { .. } => quote! { Box<#ty> },
                _ => ty,
            }
        })
        .collect();
    if !dispatch_on_object {
        if direction == Direction::Request {
            return quote! {
                #gate
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
                #[cfg_attr(feature = "deserialize-params", derive(::serde::Deserialize))]
                #[serde(untagged)]
                pub enum #name {
                    #(#names(#types),)*
                }
            };
        }
        let reads = reads_by_kind(variants, &names);
        return quote! {
            #gate
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#names(#types),)*
                /// A shape this version of the crate does not know.
                #unknown(::serde_json::Value),
            }
            #gate
            impl super::Peek for #name {
                const PEEK: &'static str = super::PEEK_KIND;
                fn read<'de, D: ::serde::Deserializer<'de>>(shape: super::Shape<'_>, content: D) -> Result<Self, D::Error> {
                    Ok(match shape {
                        #(#reads)*
                        _ => Self::#unknown(::serde::Deserialize::deserialize(content)?),
                    })
                }
            }
            #gate
            super::impl_deserialize_peeking!(#name);
        };
    }
    // Every alternative has an `object` here. An alternative's own gate (the webhook
    // `EventObject`'s) leaves it out, and an object of its type is then the catch-all.
    let objects: Vec<&str> = variants
        .iter()
        .filter_map(|v| v.object.as_deref())
        .collect();
    let variant_gates: Vec<TokenStream> = variants.iter().map(|v| super::gate(&v.gate)).collect();
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_gates #names(#types),)*
            /// An object whose `object` this version of the crate does not know.
            #unknown(::serde_json::Value),
        }
        #gate
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#variant_gates Self::#names(value) => value.serialize(serializer),)*
                    Self::#unknown(value) => value.serialize(serializer),
                }
            }
        }
        #gate
        impl super::Peek for #name {
            const PEEK: &'static str = super::PEEK_OBJECT;
            fn read<'de, D: ::serde::Deserializer<'de>>(shape: super::Shape<'_>, content: D) -> Result<Self, D::Error> {
                Ok(match shape.tag() {
                    #(#variant_gates Some(#objects) => Self::#names(::serde::Deserialize::deserialize(content)?),)*
                    _ => Self::#unknown(::serde::Deserialize::deserialize(content)?),
                })
            }
        }
        #gate
        super::impl_deserialize_peeking!(#name);
    }
}

/// The arms of a union's `read`, one per JSON kind some alternative accepts: the alternative
/// itself when it is the only one, else each tried in order on the value's text (the catch-all
/// keeps a value none of them reads).
fn reads_by_kind(variants: &[UnionVariant], names: &[Ident]) -> Vec<TokenStream> {
    let unknown = ident(CATCH_ALL_VARIANT);
    JsonKind::ALL
        .iter()
        .filter_map(|kind| {
            let candidates: Vec<&Ident> = variants
                .iter()
                .zip(names)
                .filter(|(v, _)| v.accepts.contains(kind))
                .map(|(_, name)| name)
                .collect();
            let pattern = match kind {
                JsonKind::Bool => quote! { super::Shape::Bool },
                JsonKind::Number => quote! { super::Shape::Number },
                JsonKind::String => quote! { super::Shape::String },
                JsonKind::Array => quote! { super::Shape::Array },
                JsonKind::Object => quote! { super::Shape::Object(_) },
            };
            match candidates.as_slice() {
                [] => None,
                [only] => Some(quote! {
                    #pattern => Self::#only(::serde::Deserialize::deserialize(content)?),
                }),
                several => Some(quote! {
                    #pattern => {
                        let text = super::text_of(content)?;
                        #(
                            if let Ok(parsed) = super::from_buffered(&text) {
                                return Ok(Self::#several(parsed));
                            }
                        )*
                        Self::#unknown(super::unrecognized(&text))
                    }
                }),
            }
        })
        .collect()
}

pub(super) fn id(name: &Ident, gate: &TokenStream) -> TokenStream {
    quote! {
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Deserialize, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(String);
        #gate
        super::impl_id!(#name);
    }
}
