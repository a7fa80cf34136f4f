//! The rustdoc a user starts from: each module says which resources it holds, what each is and
//! which calls it has (not just "Calls and types of `climate`"), and descriptions that mention
//! a bare URL link it (`cargo xtask crate-checks` also runs `cargo doc` with `-D warnings`).

use stripegen_tests::workspace;

fn lib_rs() -> String {
    std::fs::read_to_string(workspace().join("generated/src/lib.rs")).unwrap()
}

#[test]
fn each_module_lists_its_resources_what_they_are_and_their_calls() {
    let lib = lib_rs();
    for (module, resource, summary, calls) in [
        (
            "identity",
            "VerificationSession",
            "A VerificationSession guides you through the process",
            &[
                "create", "retrieve", "update", "list", "list_all", "cancel", "redact",
            ][..],
        ),
        (
            "climate",
            "Order",
            "Orders represent your intent to purchase",
            &["create", "retrieve", "update", "list", "cancel"][..],
        ),
        (
            "forwarding",
            "Request",
            "Instructs Stripe to make a request",
            &["create", "retrieve", "list"][..],
        ),
        (
            "webhook_endpoints",
            "WebhookEndpoint",
            "You can configure",
            &["create", "retrieve", "update", "delete", "list"][..],
        ),
    ] {
        let item = format!("/// - [`{resource}`](crate::{module}::{resource}): {summary}");
        let line = lib
            .lines()
            .find(|line| line.starts_with(&item))
            .unwrap_or_else(|| panic!("no overview of {module}::{resource} in lib.rs:\n{lib}"));
        for call in calls {
            let link = format!("[`{call}`](crate::{module}::{resource}::{call})");
            assert!(
                line.contains(&link),
                "{module}::{resource} lacks {link}: {line}"
            );
        }
    }
}

#[test]
fn bare_urls_in_descriptions_are_links() {
    let identity = std::fs::read_to_string(workspace().join("generated/src/identity.rs")).unwrap();
    assert!(identity.contains("See <https://docs.stripe.com/identity/verification-flows>."));
    for line in identity
        .lines()
        .filter(|l| l.trim_start().starts_with("///"))
    {
        for (at, _) in line.match_indices("https://") {
            let before = line[..at].chars().last();
            assert!(
                matches!(before, Some('(' | '<' | '`' | '"' | '/')),
                "bare URL in a doc comment: {line}"
            );
        }
    }
}
