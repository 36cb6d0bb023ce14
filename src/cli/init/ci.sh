#!/usr/bin/env bash
# CI for the {{source}} service: the tests (the contract file must be current), the policy rules,
# then the cloud assembly. Needs `tributary` on PATH (cargo install tributary).
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all --check
cargo test --workspace --locked
tributary validate
tributary synth --quiet
