//! Stage 4: tokens -> source text, with `syn` and `prettyplease` (no rustfmt, no nightly).

use proc_macro2::TokenStream;

use crate::error::{Error, Result};

/// Pretty-prints the items in `tokens`. `module` names the module in the error message.
pub fn rust(tokens: TokenStream, module: &str) -> Result<String> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|err| Error::Emit {
        module: module.to_string(),
        message: err.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}
