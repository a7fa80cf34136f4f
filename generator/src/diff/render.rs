//! The report: a summary line, then Markdown grouped by resource, or the same data as JSON.

use std::fmt::Write as _;

use super::SpecDiff;

impl SpecDiff {
    /// How many entries are breaking.
    pub fn breaking_count(&self) -> usize {
        self.entries.iter().filter(|c| c.breaking).count()
    }

    /// ``N changes, M breaking (`old` → `new`)``.
    pub fn summary(&self) -> String {
        let n = self.entries.len();
        format!(
            "{n} change{}, {} breaking ({} → {})",
            if n == 1 { "" } else { "s" },
            self.breaking_count(),
            code(&self.old_version),
            code(&self.new_version)
        )
    }

    /// The report: the summary line, then one section per resource, one bullet per change.
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
