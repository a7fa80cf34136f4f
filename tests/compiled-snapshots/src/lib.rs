//! Every snapshot in `tests/tests/snapshots/` compiled as a module (see `build.rs`), with the
//! generated crate's runtime in scope just as in `generated/`. It is a crate of its own so that a
//! snapshot that no longer compiles never stops the snapshot tests from running and updating it.

include!(concat!(env!("OUT_DIR"), "/compiled_snapshots.rs"));
