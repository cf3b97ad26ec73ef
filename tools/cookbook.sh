#!/usr/bin/env bash
# Rewrites the generated parts of docs/cookbook.md (each scenario's entry between its
# `<!-- scenario: ... -->` and `<!-- end -->` markers) and the charts in docs/img/ from fresh
# runs of the shipped scenarios. Run it after changing a scenario, its answer or a rule, and
# review `git diff docs/` before committing; tests/it/cookbook.rs fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
COOKBOOK_UPDATE=1 cargo test --release --locked --test it cookbook:: -- --quiet
