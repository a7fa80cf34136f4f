//! Trait impls that are the same for every generated type of a kind except for the type's name,
//! written once here. A generated module invokes them with just the name, so its text holds only
//! what is particular to a type (variants and their spellings, fields and their keys): that keeps
//! the generated code short to read and fast to regenerate, and it does the same work as an impl
//! written out in full.
//!
//! They are exported for generated modules only, and hidden from the documentation.

/// `FromStr`, `Display`, `Serialize` and `Deserialize` for a generated string enum, through its
/// `as_str` and `from_wire` (which maps a value it does not know to its catch-all variant, `Unrecognized`).
#[doc(hidden)]
#[macro_export]
macro_rules! impl_string_enum {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                super::deserialize_wire(deserializer, Self::from_wire)
            }
        }
    };
}

/// `Deserialize` for a generated response struct, through its `from_fields`, which reads the
/// members of a JSON object. Only objects are accepted (`deserialize_map`), which keeps the
/// compiled visitor small: response parsing is most of the generated code's compile time.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_deserialize_object {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    #[inline]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $name::from_fields(map)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    };
}

/// `Deserialize` for a generated union, through its `Peek` impl: the runtime's reader shows it
/// the value's kind (and its `object`) before the value is read.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_deserialize_peeking {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                super::deserialize_peeking(deserializer)
            }
        }
    };
}

/// Constructors, `as_str`, `Display` and conversions from strings for a generated ID newtype
/// (`pub struct $name(String)`).
#[doc(hidden)]
#[macro_export]
macro_rules! impl_id {
    ($name:ident) => {
        impl $name {
            /// Wraps an ID string; Stripe checks it, not this crate.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The ID as Stripe spells it.
            #[inline]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            #[inline]
            fn from(id: String) -> Self {
                Self(id)
            }
        }
        impl From<&str> for $name {
            #[inline]
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }
    };
}
