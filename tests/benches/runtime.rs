//! Runtime hot paths: deserializing a 100-item list of verification sessions (typed, and into
//! `serde_json::Value` for comparison) and form-encoding a full create-session request. The
//! side-by-side comparison with other Rust Stripe clients is `benches/peers` (its own workspace).
//! Run with `cargo bench -p stripegen-tests --bench runtime`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;
use stripe_api::identity::{
    CreateVerificationSession, CreateVerificationSessionOptions,
    CreateVerificationSessionOptionsDocument, CreateVerificationSessionProvidedDetails,
    CreateVerificationSessionRelatedPerson, VerificationSession,
};
use stripe_api::{Emptyable, List};
use stripegen_tests::sessions_page;

/// A list page of 100 sessions built from Stripe's fixture, each with its own ID.
fn hundred_sessions() -> Vec<u8> {
    let ids: Vec<String> = (0..100).map(|i| format!("vs_{i:024}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    serde_json::to_vec(&sessions_page(&ids, true)).unwrap()
}

/// A create call with every parameter set.
fn full_create_request() -> CreateVerificationSession {
    CreateVerificationSession {
        client_reference_id: Some("user_8842".into()),
        expand: Some(vec![
            "last_verification_report".into(),
            "verified_outputs".into(),
        ]),
        metadata: Some(
            (0..10)
                .map(|i| (format!("key_{i}"), format!("value {i} & more")))
                .collect(),
        ),
        options: Some(CreateVerificationSessionOptions {
            document: Some(Emptyable::Set(CreateVerificationSessionOptionsDocument {
                allowed_types: Some(vec![
                    "driving_license".parse().unwrap(),
                    "id_card".parse().unwrap(),
                    "passport".parse().unwrap(),
                ]),
                require_id_number: Some(true),
                require_live_capture: Some(true),
                require_matching_selfie: Some(true),
            })),
        }),
        provided_details: Some(CreateVerificationSessionProvidedDetails {
            email: Some("jenny.rosen@example.com".into()),
            phone: Some("+15555550100".into()),
        }),
        related_customer: Some("cus_123".into()),
        related_customer_account: Some("acct_123".into()),
        related_person: Some(CreateVerificationSessionRelatedPerson::new(
            "acct_1", "person_1",
        )),
        return_url: Some("https://example.com/return?session={ID}".into()),
        type_: Some("document".parse().unwrap()),
        verification_flow: None,
    }
}

fn deserialize(c: &mut Criterion) {
    let bytes = hundred_sessions();
    let mut group = c.benchmark_group("list_of_100_verification_sessions");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed", |b| {
        // As the client parses a body: one UTF-8 check, then the text.
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&bytes)).unwrap();
            serde_json::from_str::<List<VerificationSession>>(text).unwrap()
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let params = full_create_request();
    c.bench_function("form_encode_create_verification_session", |b| {
        b.iter(|| stripe_api::encode_form(black_box(&params)).unwrap())
    });
}

criterion_group!(benches, deserialize, encode);
criterion_main!(benches);
