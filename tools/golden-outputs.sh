#!/usr/bin/env bash
# Rewrites tests/golden-outputs.txt: the SHA-256 of summary.json and of every CSV file that
# `actsim run --out` writes for each shipped scenario. Run after an intended change of a rule
# or of the summary, and review `git diff tests/golden-outputs.txt` before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=tests/golden-outputs.txt
: > "$out.new"
for f in scenarios/*.ron; do
  n=$(basename "$f" .ron)
  ./target/release/actsim run "$f" --out "$tmp/$n" --quiet > /dev/null || true
  for file in summary.json $(cd "$tmp/$n" && ls -- *.csv); do
    echo "$n $file $(sha256sum "$tmp/$n/$file" | cut -d' ' -f1)" >> "$out.new"
  done
done
mv "$out.new" "$out"
