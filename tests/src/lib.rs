//! Every snapshot in `tests/snapshots/` compiled as a module (see `build.rs`), with the generated
//! crate's runtime in scope just as in `generated/`.

include!(concat!(env!("OUT_DIR"), "/compiled_snapshots.rs"));
