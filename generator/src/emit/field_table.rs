//! The table a response struct finds its fields by: a perfect hash of its field names, so the
//! runtime's `Fields` finds any key's position with one hash and one comparison. The hash is
//! the runtime's own code, included from its template.

#[path = "../../../templates/runtime/field_hash.rs"]
mod field_hash;

use field_hash::key_hash;

/// A struct's table: `slots` (a power of two long) holds each name's position + 1 at the index
/// the top bits of its hash with `seed` give; 0 where no name lands.
#[derive(Debug, PartialEq)]
pub struct FieldTable {
    pub seed: u64,
    pub slots: Vec<u16>,
}

/// Seeds tried at each table size before the table doubles.
const SEEDS_PER_SIZE: u64 = 256;
/// The table sizes tried: from about twice the names (a few tries each) up.
const EXTRA_SIZES: u32 = 8;

/// The smallest table found for `names` (distinct), trying seeds in a fixed order, so the
/// result is the same on every run. `None` only when names repeat or there are more than
/// `u16::MAX - 1`.
pub fn field_table(names: &[&str]) -> Option<FieldTable> {
    if names.is_empty() {
        return Some(FieldTable {
            seed: 0,
            slots: Vec::new(),
        });
    }
    if names.len() >= usize::from(u16::MAX) {
        return None;
    }
    let first_bits = (2 * names.len())
        .next_power_of_two()
        .trailing_zeros()
        .max(1);
    for bits in first_bits..first_bits + EXTRA_SIZES {
        for attempt in 0..SEEDS_PER_SIZE {
            let seed = seed_at(u64::from(bits) << 32 | attempt);
            let mut slots = vec![0u16; 1 << bits];
            let placed = names.iter().enumerate().all(|(position, name)| {
                let slot = &mut slots[(key_hash(name.as_bytes(), seed) >> (64 - bits)) as usize];
                let free = *slot == 0;
                *slot = position as u16 + 1;
                free
            });
            if placed {
                return Some(FieldTable { seed, slots });
            }
        }
    }
    None
}

/// The `n`th seed: odd, its bits spread (splitmix64).
fn seed_at(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name lands in its own slot, for every struct shape: few names, many, names that
    /// differ in one byte, in the middle of a long name, or only in length.
    #[test]
    fn every_name_finds_its_own_slot() {
        let long: Vec<String> = (0..100)
            .map(|i| format!("payment_method_options_{i:03}_configuration"))
            .collect();
        let mut sets: Vec<Vec<&str>> = vec![
            vec!["id"],
            vec!["a", "aa", "aaa", "aaaa", "aaaaa", "aaaaaaaa", "aaaaaaaaa"],
            vec!["id", "object", "created", "livemode", "metadata", "status"],
        ];
        sets.push(long.iter().map(String::as_str).collect());
        for names in sets {
            let table = field_table(&names).unwrap();
            let bits = table.slots.len().trailing_zeros();
            assert!(table.slots.len() <= 8 * names.len().next_power_of_two());
            for (position, name) in names.iter().enumerate() {
                let index = (key_hash(name.as_bytes(), table.seed) >> (64 - bits)) as usize;
                assert_eq!(usize::from(table.slots[index]), position + 1, "{name}");
            }
            assert_eq!(field_table(&names), Some(table), "deterministic");
        }
        assert_eq!(field_table(&["id", "id"]), None);
        assert_eq!(field_table(&[]).unwrap().slots, Vec::<u16>::new());
    }
}
