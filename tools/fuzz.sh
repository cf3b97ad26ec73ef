#!/usr/bin/env bash
# Runs a cargo-fuzz target of fuzz/ on the project's own code.
#
#   tools/fuzz.sh scenario --smoke      # CI: 120,000 inputs, seed 1, from the shipped scenarios
#   tools/fuzz.sh scenario 1800         # half an hour, keeping what it learns in fuzz/corpus/
#   tools/fuzz.sh chart_csv 600
#
# Needs cargo-fuzz (`cargo install --locked cargo-fuzz`). The fuzz crate builds with the
# sanitizer flags of a nightly compiler; RUSTC_BOOTSTRAP lets the stable toolchain accept
# them, so no second toolchain is needed. Findings land in fuzz/artifacts/TARGET/: reproduce
# one with `cargo fuzz run TARGET FILE`, and commit a scenario input that must be refused
# under tests/bad/ with its expected error (tests/bad/expected.txt).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=${1:?usage: tools/fuzz.sh TARGET (--smoke | SECONDS)}
mode=${2:?usage: tools/fuzz.sh TARGET (--smoke | SECONDS)}
export RUSTC_BOOTSTRAP=1

seed_corpus() {
    mkdir -p "$1"
    case "$target" in
        scenario) cp ../scenarios/*.ron ../tests/bad/*.ron "$1"/ ;;
        chart_csv) printf 'time_s,day,fleet,grace,licensed,oot_grace,notification,offline\n' > "$1/header" ;;
    esac
}

if [ "$mode" = --smoke ]; then
    corpus=$(mktemp -d)
    trap 'rm -rf "$corpus"' EXIT
    seed_corpus "$corpus"
    # A fixed seed and number of inputs. The same build on the same machine replays the same
    # inputs, but another machine or checkout path builds different code (paths, addresses)
    # and libFuzzer's mutations follow coverage, so CI explores inputs of its own: a failure
    # there prints the input (Base64 and bytes) to reproduce with `cargo fuzz run TARGET FILE`.
    # FUZZ_SEED=N explores from another seed.
    cargo fuzz run "$target" "$corpus" -- -seed="${FUZZ_SEED:-1}" -runs=120000 -timeout=60 \
        -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1
else
    corpus=corpus/$target
    [ -d "$corpus" ] || seed_corpus "$corpus"
    cargo fuzz run "$target" "$corpus" -- -max_total_time="$mode" -timeout=20 \
        -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1
fi
