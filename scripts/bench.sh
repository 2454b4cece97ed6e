#!/usr/bin/env bash
# Benchmarks (numbers quoted in issue notes come from here). Built with the dev profile,
# whose dependencies (SQLite included) are optimised, so it reuses the test build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
leptos_cargo bench --profile dev --features ssr --bench leaderboard
