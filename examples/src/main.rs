//! Serves the webhook endpoint on 127.0.0.1 (`PORT`, default 4242) with the signing secret from
//! `STRIPE_WEBHOOK_SECRET`. Forward test events to it with the Stripe CLI:
//!
//! ```sh
//! stripe listen --forward-to localhost:4242/webhook   # prints the whsec_... secret to use
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run -p stripe-webhook-example
//! stripe trigger identity.verification_session.verified
//! ```

use std::net::{Ipv4Addr, SocketAddr};

use stripe_api::webhook::Webhook;
use stripe_webhook_example::{router, PATH};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let Ok(secret) = std::env::var("STRIPE_WEBHOOK_SECRET") else {
        eprintln!("set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)");
        std::process::exit(2);
    };
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse().unwrap_or_else(|_| {
            eprintln!("PORT must be a port number, not {port:?}");
            std::process::exit(2);
        }),
        Err(_) => 4242,
    };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{address}{PATH}");
    axum::serve(listener, router(Webhook::new(secret))).await
}
