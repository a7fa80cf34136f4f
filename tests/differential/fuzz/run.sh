#!/usr/bin/env bash
# Fuzzes the runtime's reader against serde_json for SECONDS (default 600) and prints libFuzzer's
# figures (executions, coverage). Needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). The corpus starts from Stripe's fixture objects; a crash is left
# in artifacts/ with the input that shows it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
corpus=corpus/differential
mkdir -p "$corpus"
python3 - "$corpus" <<'PY'
import json, pathlib, sys
corpus = pathlib.Path(sys.argv[1])
fixtures = json.loads(pathlib.Path("../../../spec/fixtures3-2026-07-29.json").read_text())
for name, value in sorted(fixtures["resources"].items()):
    # A leading space (an even first byte) makes the target check the bytes as they are.
    (corpus / f"fixture-{name}").write_text(" " + json.dumps(value))
PY
cd ..
cargo +nightly fuzz run differential "fuzz/$corpus" -- -max_total_time="$seconds" -print_final_stats=1
