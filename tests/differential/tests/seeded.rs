//! A short, seeded run of the differential check (the fuzz target's, `fuzz/`), so CI proves the
//! reader against serde_json on every change: Stripe-shaped documents and JSON-alphabet bytes
//! from a fixed pseudo-random sequence, the same on every run.

use stripegen_differential::{check, stripe_shaped};

/// xorshift64*: a fixed sequence of bytes, no dependency.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn fill(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// How many inputs of each kind: a few seconds in a debug build.
const RUNS: usize = 10_000;

#[test]
fn stripe_shaped_documents() {
    let mut bytes = Bytes(0x5EED_0001);
    for _ in 0..RUNS {
        let choices = bytes.fill(48);
        check(&stripe_shaped(&choices));
    }
}

#[test]
fn bytes_from_the_json_alphabet() {
    const ALPHABET: &[u8] = b" \n\"\\/,:{}[]0123456789-+.eEtrufalsn\\u00e9x\x01\xc3\xa9\xff";
    let mut bytes = Bytes(0x5EED_0002);
    for _ in 0..RUNS {
        let length = (bytes.next() % 24) as usize;
        let input: Vec<u8> = (0..length)
            .map(|_| ALPHABET[(bytes.next() % ALPHABET.len() as u64) as usize])
            .collect();
        check(&input);
    }
}
