#!/usr/bin/env bash
# The README's second command (and CI's): every test.
#   1. build the site (server binary, hydrate wasm, Tailwind CSS) with cargo-leptos;
#   2. unit and integration tests — SQLite files, and PostgreSQL databases created and
#      dropped per test (they fail, not skip, when CI=true and PostgreSQL is missing);
#   3. the Playwright suite against the real server in Debian's Chromium, with and without
#      JavaScript;
#   4. the browser bundle's size budget (release wasm + JS, gzipped).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --e2e
source scripts/env.sh
start=$(date +%s)

echo "==> cargo leptos build"
cargo leptos build

echo "==> cargo test (unit + integration, SQLite and PostgreSQL)"
# Each request in the tests gives up after a minute; this bounds the whole run too, so a
# hang fails CI in minutes instead of eating its time limit.
leptos_cargo test --workspace --features rally/ssr --no-run
timeout --kill-after=30 1200 bash -c \
  'source scripts/env.sh && leptos_cargo test --workspace --features rally/ssr'

echo "==> playwright (hydrated and JavaScript-off)"
(cd end2end && npx playwright test)

echo "==> browser bundle budget (release front end)"
scripts/bundle-size.sh

echo "==> all tests passed in $(( $(date +%s) - start ))s"
