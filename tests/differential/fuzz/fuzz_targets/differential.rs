//! The runtime's reader against serde_json: an input whose first byte is odd is read as choices
//! that shape a Stripe object (`stripe_shaped`); any other input is checked as it is.

#![no_main]

use stripegen_differential::{check, stripe_shaped};

libfuzzer_sys::fuzz_target!(|data: &[u8]| match data.split_first() {
    Some((mode, choices)) if mode & 1 == 1 => check(&stripe_shaped(choices)),
    _ => check(data),
});
