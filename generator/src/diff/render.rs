//! The report: a summary line, then Markdown grouped by resource, or the same data as JSON.

use std::fmt::Write as _;

use super::{ApiChangeKind, SpecDiff};

impl SpecDiff {
    /// How many entries are breaking.
    pub fn breaking_count(&self) -> usize {
        self.entries.iter().filter(|c| c.breaking).count()
    }

    /// How many changes of the public API are breaking.
    pub fn api_breaking_count(&self) -> usize {
        self.api_changes.iter().filter(|c| c.breaking).count()
    }

    /// ``N changes, M breaking (`old` → `new`); Rust API: A changes, B breaking``.
    pub fn summary(&self) -> String {
        let n = self.entries.len();
        let mut summary = format!(
            "{n} change{}, {} breaking ({} → {})",
            if n == 1 { "" } else { "s" },
            self.breaking_count(),
            code(&self.old_version),
            code(&self.new_version)
        );
        if !self.api_changes.is_empty() || self.api_not_compared.is_some() {
            let _ = write!(summary, "; {}", self.api_summary());
        }
        summary
    }

    /// ``Rust API: A changes, B breaking`` (or why it was not compared).
    pub fn api_summary(&self) -> String {
        if let Some(reason) = &self.api_not_compared {
            return format!("Rust API not compared ({reason})");
        }
        let n = self.api_changes.len();
        format!(
            "Rust API: {n} change{}, {} breaking",
            if n == 1 { "" } else { "s" },
            self.api_breaking_count()
        )
    }

    /// The Rust API section: one bullet per changed item, breaking ones first.
    pub fn api_markdown(&self) -> String {
        let mut out = String::new();
        let breaking_first = self
            .api_changes
            .iter()
            .filter(|c| c.breaking)
            .chain(self.api_changes.iter().filter(|c| !c.breaking));
        for change in breaking_first {
            out.push_str("- ");
            if change.breaking {
                out.push_str("**breaking** ");
            }
            let _ = write!(out, "{}: {}", change.kind.label(), code(&change.path));
            match (change.kind, &change.old, &change.new) {
                (ApiChangeKind::Moved | ApiChangeKind::Renamed, _, Some(new)) => {
                    let _ = write!(out, " → {}", code(new));
                }
                (_, Some(old), Some(new)) => {
                    let _ = write!(out, " — {} → {}", code(old), code(new));
                }
                (_, Some(old), None) => {
                    let _ = write!(out, " — was {}", code(old));
                }
                (_, None, Some(new)) => {
                    let _ = write!(out, " — {}", code(new));
                }
                (_, None, None) => {}
            }
            out.push('\n');
        }
        out
    }

    /// The report: the summary line, then one section per resource, one bullet per change, then
    /// the Rust API's changes.
    pub fn to_markdown(&self) -> String {
        let mut out = self.summary();
        out.push('\n');
        let mut resource: Option<&str> = None;
        for change in &self.entries {
            if resource != Some(change.resource.as_str()) {
                resource = Some(&change.resource);
                let _ = write!(out, "\n## {}\n\n", code(&change.resource));
            }
            out.push_str("- ");
            if change.breaking {
                out.push_str("**breaking** ");
            }
            let _ = write!(out, "{}: {}", change.kind.label(), code(&change.subject));
            if let Some(member) = &change.member {
                let _ = write!(out, " {}", code(member));
            }
            if !change.detail.is_empty() {
                let _ = write!(out, " — {}", change.detail);
            }
            out.push('\n');
        }
        if !self.api_changes.is_empty() {
            let _ = write!(out, "\n## Rust API\n\n{}", self.api_markdown());
        }
        out
    }

    /// The JSON form (`--json`): this struct, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Inline code, with a longer fence when the text has backticks.
pub(super) fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
