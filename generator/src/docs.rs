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
    linked_urls(&absolute_links(&text)).trim().to_string()
}

/// Wraps bare URLs in `<...>`, which rustdoc turns into links (and otherwise warns about,
/// `rustdoc::bare_urls`). URLs that are already a link target, an autolink or code are left alone.
fn linked_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut rest = text;
    while let Some(start) = rest.find(['`', 'h']) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        if let Some(after) = from.strip_prefix('`') {
            in_code = !in_code;
            out.push('`');
            rest = after;
            continue;
        }
        let is_url = from.starts_with("https://") || from.starts_with("http://");
        let previous = out.chars().last();
        if !is_url || in_code || matches!(previous, Some('(' | '<' | '[' | '"' | '/')) {
            out.push('h');
            rest = &from[1..];
            continue;
        }
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '`'))
            .unwrap_or(from.len());
        // A sentence's full stop or comma after a URL is not part of it.
        let url = from[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &from[url.len()..];
    }
    out.push_str(rest);
    out
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
    fn bare_urls_become_links() {
        assert_eq!(
            markdown("See https://docs.stripe.com/identity/verification-flows."),
            "See <https://docs.stripe.com/identity/verification-flows>."
        );
        for kept in [
            "[flows](https://docs.stripe.com/flows)",
            "<https://stripe.com>",
            "`https://example.com/hook`",
            "the host (`api.stripe.com`), see http",
        ] {
            assert_eq!(markdown(kept), kept);
        }
        assert_eq!(
            markdown("a https://a.example, then `b` https://b.example"),
            "a <https://a.example>, then `b` <https://b.example>"
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
