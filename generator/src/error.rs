//! The generator's one error type. Every variant names the file and, where there is one, the
//! location inside it as a JSON pointer, so a maintainer can jump straight to the offending node.

use std::path::PathBuf;

/// Anything that stops generation. The generator reports these instead of panicking.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: invalid YAML/JSON{}: {message}", file.display(), line_suffix(*line))]
    Syntax {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A semantic problem at a node of the document.
    #[error("{}: {pointer}: {message}", file.display())]
    Spec {
        file: PathBuf,
        pointer: String,
        message: String,
    },
    /// A [`Config`](crate::Config) setting that can't be used (such as a crate version that is
    /// not semver).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Generated code that `syn` could not parse: a bug in the generator, not in the spec.
    #[error("internal error: generated module `{module}` is not valid Rust: {message}")]
    Emit { module: String, message: String },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" at line {l}")).unwrap_or_default()
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The message for a defect of the spec itself (not something this generator doesn't support),
/// with the OpenAPI Overlay 1.0 action that repairs it: `target` selects the node (a JSONPath),
/// `change` is what the action does to it (`update: {...}` in YAML flow style, or `remove: true`).
pub(crate) fn spec_defect(problem: &str, target: &str, change: &str) -> String {
    format!(
        "the spec itself is defective: {problem}. Repair it with an overlay (OpenAPI Overlay \
         1.0, given with `--overlay FILE`; see `spec/overlays/` for examples) holding the action \
         `{{target: \"{target}\", {change}}}`"
    )
}
