//! Retry policy, as in Stripe's SDKs: which outcomes are retried and how long to wait before
//! each retry. The loop that applies it is [`Client::execute`](super::client::Client).

use std::time::Duration;

use super::client::Received;
use super::error::Error;

/// How often a request is retried unless the client says otherwise.
pub(crate) const DEFAULT_MAX_NETWORK_RETRIES: u32 = 2;
const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

/// Stripe's retry rules: its `Stripe-Should-Retry` header decides when present; otherwise
/// connection failures and timeouts, 409 (a conflicting concurrent request) and 5xx are retried.
pub(crate) fn should_retry(outcome: &Result<Received, Error>) -> bool {
    match outcome {
        Err(Error::Connection(_) | Error::Timeout) => true,
        Err(_) => false,
        Ok(Received {
            should_retry: Some(advice),
            ..
        }) => *advice,
        Ok(received) => received.meta.status == 409 || received.meta.status >= 500,
    }
}

/// `min(0.5 s * 2^(n-1), 5 s)`, scaled by a random 50-100 % so clients that failed together
/// don't retry together.
pub(crate) fn retry_delay(retry: u32) -> Duration {
    let exponential = INITIAL_RETRY_DELAY.saturating_mul(1 << retry.saturating_sub(1).min(16));
    exponential
        .min(MAX_RETRY_DELAY)
        .mul_f64(0.5 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_up_to_five_seconds_with_jitter() {
        for (retry, full) in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (30, 5.0)] {
            let delay = retry_delay(retry).as_secs_f64();
            assert!(
                delay >= full * 0.5 && delay <= full,
                "retry {retry}: {delay}"
            );
        }
    }
}
