//! Random identifiers: idempotency keys (version-4 UUIDs, as Stripe's SDKs send) and the
//! boundaries of multipart bodies.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::BuildHasher;

/// A new random key, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
///
/// Each `RandomState` keys SipHash with random numbers from the operating system (drawn once per
/// thread, then varied for every instance), so its hashes are unpredictable bits: no random
/// number crate needed for 122 random bits.
pub(crate) fn new_key() -> String {
    let state = RandomState::new();
    let bits = (u128::from(state.hash_one(0_u8)) << 64) | u128::from(state.hash_one(1_u8));
    let mut bytes = bits.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut key = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        let _ = write!(key, "{byte:02x}");
    }
    key
}

/// `bytes` random bytes as lowercase hex digits (the same source as [`new_key`]).
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes * 2);
    let state = RandomState::new();
    let mut counter = 0_u64;
    while text.len() < bytes * 2 {
        let word = state.hash_one(counter);
        counter += 1;
        for byte in word.to_be_bytes() {
            if text.len() < bytes * 2 {
                let _ = write!(text, "{byte:02x}");
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_version_4_uuids() {
        let keys: std::collections::BTreeSet<String> = (0..1000).map(|_| new_key()).collect();
        assert_eq!(keys.len(), 1000);
        for key in &keys {
            let parts: Vec<&str> = key.split('-').collect();
            let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{key}");
            assert!(parts[2].starts_with('4'), "{key}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{key}");
        }
    }

    #[test]
    fn random_hex_has_the_length_asked_for_and_differs_each_time() {
        let boundaries: std::collections::BTreeSet<String> =
            (0..100).map(|_| random_hex(30)).collect();
        assert_eq!(boundaries.len(), 100);
        for boundary in &boundaries {
            assert_eq!(boundary.len(), 60);
            assert!(
                boundary.bytes().all(|b| b.is_ascii_hexdigit()),
                "{boundary}"
            );
        }
        assert_eq!(random_hex(3).len(), 6);
    }
}
