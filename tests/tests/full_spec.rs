//! The generator copes with Stripe's whole published API, not only the excerpt: every release the
//! project keeps (`stripegen_tests::RELEASES`, API versions 2017-12-14 to 2026-01-28.clover, v1
//! and v2) generates.
//! Whether the crates compile is `cargo xtask full-api`'s job (CI compiles four of them).

use std::path::Path;

use stripegen_tests::{workspace, RELEASES};

/// Generates a whole release and returns its files.
fn generate(release: &str) -> stripegen::Output {
    let config = stripegen::Config {
        spec: workspace().join(release),
        overlays: Vec::new(),
        crate_name: "stripe-full".to_string(),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let output = stripegen::generate(&config).unwrap_or_else(|err| panic!("{err}"));
    eprintln!(
        "{release}: generated {} files in {:?}",
        output.files.len(),
        started.elapsed()
    );
    assert!(
        output.files.len() > 40,
        "{release}: expected one module per API namespace"
    );
    assert!(output.files.contains_key(Path::new("src/customers.rs")));
    output
}

fn file<'o>(output: &'o stripegen::Output, path: &str) -> &'o str {
    &output.files[Path::new(path)]
}

macro_rules! releases {
    ($($name:ident: $index:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                generate(RELEASES[$index]);
            }
        )*
    };
}

// One test each, so they run side by side; releases 0 and 4 have more to check, below.
releases!(
    generates_2018_10_18: 1,
    generates_2019_07_22: 2,
    generates_2020_04_03: 3,
    generates_2021_10_07: 5,
    generates_2022_10_04: 6,
    generates_v450: 7,
    generates_v524: 8,
);

/// Today's API, v1 and v2: the v2 resources with their calls, JSON bodies and lists that follow
/// `next_page_url`; the file upload and the quote PDF on their own server.
#[test]
fn generates_2026_01_28_with_v2() {
    let output = generate(RELEASES[9]);
    let v2_core = file(&output, "src/v2_core.rs");
    for expected in [
        "impl EventDestination {",
        "pub fn enable<'a>(",
        "pub fn disable<'a>(",
        "pub fn ping<'a>(",
        "client.paginate_v2(",
        "encoding: super::Encoding::Json",
        "Output = Result<super::v2::DeletedObject, super::Error>",
        "pub created: super::DateTime,",
    ] {
        assert!(v2_core.contains(expected), "v2_core.rs lacks `{expected}`");
    }
    let quotes = file(&output, "src/quotes.rs");
    assert!(quotes.contains("pub fn pdf<'a>("));
    assert!(quotes.contains("Output = Result<Vec<u8>, super::Error>"));
    let files = file(&output, "src/files.rs");
    assert!(files.contains("pub file: super::FileUpload,"));
    assert!(files.contains("encoding: super::Encoding::Multipart"));
    for server in [
        "https://files.stripe.com",
        "https://meter-events.stripe.com",
    ] {
        assert!(
            output
                .files
                .values()
                .any(|text| text.contains(&format!("server: Some(\"{server}\")"))),
            "no call goes to {server}"
        );
    }
}

/// Releases until 2019 give `/v1/account/bank_accounts` and `/v1/account/external_accounts` the
/// same operationIds, and no summaries: the calls are named from their paths, on the union they
/// answer with. `/external_accounts` is the resource's collection and takes the verbs; the
/// `/bank_accounts` calls add their noun, and are deprecated aliases of them.
#[test]
fn generates_2018_01_10_naming_calls_from_their_paths() {
    let output = generate(RELEASES[0]);
    let account = file(&output, "src/account.rs");
    assert!(account.contains("impl super::shared::ExternalAccountSource {"));
    for call in [
        "pub fn create<",
        "pub fn retrieve<",
        "pub fn list_external_accounts<",
        "#[deprecated]\n    #[inline]\n    pub fn create_bank_account<",
        "#[deprecated]\n    #[inline]\n    pub fn retrieve_bank_account<",
    ] {
        assert!(account.contains(call), "{call} missing");
    }
}

/// `PUT /v1/account/logout` (until mid-2021) is a call like any other, sending a form body,
/// named after its action.
#[test]
fn generates_2021_01_07_with_put_calls() {
    let output = generate(RELEASES[4]);
    let account = file(&output, "src/account.rs");
    assert!(account.contains("pub fn logout<"), "no logout call");
    assert!(account.contains("super::Method::Put"));
    let accounts = file(&output, "src/accounts.rs");
    assert!(accounts.contains("pub fn logout_account<"));
}
