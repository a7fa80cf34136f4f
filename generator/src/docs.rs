//! Rustdoc text from spec descriptions. Operation descriptions are HTML (`<p>`, `<code>`, `<a>`);
//! schema and parameter descriptions are already Markdown. Both end up as Markdown with absolute
//! links, because relative `/docs/...` links would point into docs.rs.

thread_local! {
    /// Setting up a converter costs about as much as a conversion, so each thread keeps one.
    static CONVERTER: htmd::HtmlToMarkdown = htmd::HtmlToMarkdown::new();
}

/// Converts a description to Markdown for rustdoc.
pub fn markdown(description: &str) -> String {
    let description = description.trim();
    let text = if looks_like_html(description) {
        // htmd only fails on I/O errors of its in-memory parser; keep the raw text if it ever does.
        CONVERTER
            .with(|converter| converter.convert(description))
            .unwrap_or_else(|_| description.to_string())
    } else {
        description.to_string()
    };
    absolute_links(&text).trim().to_string()
}

fn looks_like_html(text: &str) -> bool {
    ["<p>", "<code>", "<a ", "<ul>", "<strong>", "<em>", "<br"]
        .iter()
        .any(|tag| text.contains(tag))
}

fn absolute_links(text: &str) -> String {
    text.replace("](/docs/", "](https://docs.stripe.com/")
        .replace("](/", "](https://stripe.com/")
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn html_becomes_markdown() {
        let html = "<p>Creates a <code>VerificationSession</code>.</p>\n\n<p>Related guide: \
                    <a href=\"/docs/identity/verify\">Verify</a></p>";
        assert_eq!(
            markdown(html),
            "Creates a `VerificationSession`.\n\nRelated guide: [Verify](https://docs.stripe.com/identity/verify)"
        );
    }

    #[test]
    fn markdown_is_kept() {
        assert_eq!(
            markdown("See [checks](/docs/identity/checks)."),
            "See [checks](https://docs.stripe.com/identity/checks)."
        );
    }
}
