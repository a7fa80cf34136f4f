//! The README's examples of the generated crate, compiled (not run: they would call Stripe), so
//! the README can't drift from the crate's API.

#![allow(dead_code, unused_variables)]

use stripe_api::climate::{CreateOrder, Order, Product};
use stripe_api::identity::{
    ListVerificationSessions, VerificationSession, VerificationSessionStatus,
};
use stripe_api::{Client, RangeQuery};

async fn calls_parameters_and_names() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?);

    let product: Product =
        Product::retrieve(&client, &"climsku_1".into(), &Default::default()).await?;
    let mut params = CreateOrder::new(product.id);
    params.metric_tons = Some("0.25".into());
    params.metadata = Some([("order".to_string(), "42".to_string())].into());
    let order = Order::create(&client, &params).await?;

    let page = VerificationSession::list(
        &client,
        &ListVerificationSessions {
            status: Some(VerificationSessionStatus::RequiresInput),
            created: Some(RangeQuery::between(1_700_000_000, 1_800_000_000)),
            limit: Some(10),
            ..ListVerificationSessions::new()
        },
    )
    .await?;
    let next = ListVerificationSessions {
        starting_after: page.data.last().map(|s| s.id.clone()),
        ..ListVerificationSessions::new()
    };
    for session in &page.data {
        let canceled =
            VerificationSession::cancel(&client, &session.id, &Default::default()).await?;
        println!("{} is now {}", canceled.id, canceled.status);
    }
    Ok(())
}

#[test]
fn the_readme_examples_compile() {
    // Building this file is the test; the function only has to exist.
    let _ = calls_parameters_and_names;
}
