//! `profile PATH PAYLOAD ITERATIONS`: parses one payload with one path, ITERATIONS times, for an
//! instruction-count profile (`valgrind --tool=callgrind`), which is repeatable on a busy machine:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='stripegen_peer_bench::stripe_api' \
//!     target/peers/release/profile stripe_api list_of_100_sessions 20
//! ```
//!
//! `profile min-times - ROUNDS` prints, for every path and payload, the fastest of ROUNDS short
//! batches.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, payload, iterations] = args.as_slice() else {
        eprintln!("usage: profile PATH PAYLOAD ITERATIONS | profile min-times - ROUNDS");
        std::process::exit(2);
    };
    stripegen_peer_bench::assert_all_parse();
    if path == "min-times" {
        // The fastest of many short batches: steadier than a mean on a busy machine.
        let rounds: usize = iterations.parse().expect("ROUNDS is a number");
        for payload in stripegen_peer_bench::payloads() {
            // About a megabyte a batch: 2,000 sessions, 20 session list pages.
            let batch = (1_000_000 / payload.bytes.len()).max(1);
            for p in &stripegen_peer_bench::PATHS {
                let mut best = f64::MAX;
                for _ in 0..rounds {
                    let start = std::time::Instant::now();
                    for _ in 0..batch {
                        (p.parse)(std::hint::black_box(&payload.bytes), payload.kind).unwrap();
                    }
                    best = best.min(start.elapsed().as_secs_f64() / batch as f64);
                }
                println!("{} {} {:.2} us", payload.name, p.name, best * 1e6);
            }
        }
        return;
    }
    let path = stripegen_peer_bench::PATHS
        .iter()
        .find(|p| p.name == path)
        .expect("unknown path");
    let payload = stripegen_peer_bench::payloads()
        .into_iter()
        .find(|p| p.name == payload)
        .expect("unknown payload");
    let iterations: usize = iterations.parse().expect("ITERATIONS is a number");
    for _ in 0..iterations {
        (path.parse)(std::hint::black_box(&payload.bytes), payload.kind).unwrap();
    }
}
