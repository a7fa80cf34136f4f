//! Serves the webhook endpoint on 127.0.0.1 (`PORT`, default 4242) with the signing secret from
//! `STRIPE_WEBHOOK_SECRET`. Forward test events to it with the Stripe CLI:
//!
//! ```sh
//! stripe listen --forward-to localhost:4242/webhook   # prints the whsec_... secret to use
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run -p stripe-webhook-example
//! stripe trigger identity.verification_session.verified
//! ```
//!
//! With `STRIPE_EVENT_DESTINATION_SECRET` set (a v2 event destination's signing secret), it also
//! takes thin event notifications on `/thin-events`, and with `STRIPE_SECRET_KEY` fetches what
//! each one concerns.

use std::net::{Ipv4Addr, SocketAddr};

use stripe_api::webhook::Webhook;
use stripe_api::Client;
use stripe_webhook_example::{router, thin_events_router, PATH, THIN_EVENTS_PATH};

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
    let mut app = router(Webhook::new(secret));
    if let Ok(secret) = std::env::var("STRIPE_EVENT_DESTINATION_SECRET") {
        let client = std::env::var("STRIPE_SECRET_KEY").ok().map(Client::new);
        app = app.merge(thin_events_router(Webhook::new(secret), client));
        println!("and on http://{address}{THIN_EVENTS_PATH}");
    }
    axum::serve(listener, app).await
}
