//! Per-request options: what one call, or every call of a handle made with
//! [`Client::with_options`], sends instead of the client's own settings.

use std::time::Duration;

#[cfg(doc)]
use super::client::Client;

/// Per-request settings: pass them with [`Client::with_options`]. Each one that is set wins over
/// the client's own setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Sent as `Idempotency-Key` on POST (and PATCH) requests instead of a generated one.
    pub idempotency_key: Option<String>,
    pub stripe_account: Option<String>,
    pub stripe_context: Option<String>,
    pub stripe_version: Option<String>,
    /// Fields to expand, added to those of the call's parameters. v1 only: v2 calls have no
    /// expansion (they take `include` parameters) and don't send these.
    pub expand: Vec<String>,
    /// How long each attempt may take.
    pub timeout: Option<Duration>,
    /// Parameters the call's typed parameters don't have (private-beta ones), sent after them:
    /// in the form body of a POST, in the query string otherwise. Keys are written as Stripe
    /// reads them (`foo[bar]`, `items[0][price]`). In the JSON body of a v2 call they are string
    /// members, the key a path of members (`foo[bar]` is `{"foo": {"bar": value}}`).
    pub extra_params: Vec<(String, String)>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.stripe_account = Some(account.into());
        self
    }

    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.stripe_context = Some(context.into());
        self
    }

    pub fn stripe_version(mut self, version: impl Into<String>) -> Self {
        self.stripe_version = Some(version.into());
        self
    }

    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a parameter the typed parameters of a call don't have, such as a private-beta one,
    /// without dropping to [`Client::raw_request`]. `key` is written as Stripe reads it, nested
    /// keys included (`"foo[bar]"`, `"tags[0]"`); the pair is sent after the call's own
    /// parameters (and on every page of a `list_all` stream). Don't repeat a parameter the call
    /// already sets: Stripe would receive it twice.
    ///
    /// ```no_run
    /// # async fn example(client: &stripe_api::Client) -> Result<(), stripe_api::Error> {
    /// use stripe_api::identity::{CreateVerificationSession, VerificationSession};
    /// use stripe_api::RequestOptions;
    ///
    /// let beta = client.with_options(RequestOptions::new().extra_param("beta_feature[enabled]", "true"));
    /// let session = VerificationSession::create(&beta, &CreateVerificationSession::default()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn extra_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((key.into(), value.into()));
        self
    }
}
