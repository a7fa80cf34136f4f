//! The hash of `Fields`' tables, in a file of its own: the generator builds each struct's table
//! with this very code (`emit/field_table.rs` includes the file), so the two cannot differ.

/// The hash of a field name that struct tables are built with. Every byte counts, a word at a
/// time, each mixed in by multiplying with the table's seed; the top bits index the table.
#[inline]
pub(crate) fn key_hash(key: &[u8], seed: u64) -> u64 {
    let n = key.len();
    let u64_at = |at: usize| u64::from_le_bytes(key[at..at + 8].try_into().unwrap());
    let u32_at = |at: usize| u64::from(u32::from_le_bytes(key[at..at + 4].try_into().unwrap()));
    let mut hash = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    match n {
        0 => {}
        1..=3 => {
            let bytes =
                u64::from(key[0]) | u64::from(key[n / 2]) << 8 | u64::from(key[n - 1]) << 16;
            hash = (hash ^ bytes).wrapping_mul(seed);
        }
        4..=7 => hash = (hash ^ (u32_at(0) | u32_at(n - 4) << 32)).wrapping_mul(seed),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                hash = (hash ^ u64_at(at)).wrapping_mul(seed);
                at += 8;
            }
            hash = (hash ^ u64_at(n - 8)).wrapping_mul(seed);
        }
    }
    hash ^ (hash >> 31)
}
