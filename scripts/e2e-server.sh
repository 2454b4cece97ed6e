#!/usr/bin/env bash
# Starts a throw-away Rally for the Playwright suite: a fresh SQLite data directory with the
# demo seeded. Playwright starts it (end2end/playwright.config.ts) and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${RALLY_E2E_PORT:-3100}"
bin="${CARGO_TARGET_DIR:-target}/debug/rally"
data="end2end/.data"
rm -rf "$data"
mkdir -p "$data"
export RALLY_DATA_DIR="$data" RALLY_LISTEN="127.0.0.1:$port" LEPTOS_SITE_ROOT="target/site"
# Every browser of the suite signs in from 127.0.0.1: the per-address limit would trip.
export RALLY_LOGIN_ATTEMPTS_PER_ADDRESS=10000
"$bin" seed demo
# Hubs whose branding the tests change, one per Playwright project (they run at once), so
# no other test sees their colours move.
for lab in brand-hydrated brand-no-js a11y-hydrated a11y-no-js integrations-hydrated integrations-no-js; do
  "$bin" tenant create "$lab" --name "Lab ${lab%%-*}" >/dev/null
  "$bin" tenant add-member "$lab" owner@example.com --role admin >/dev/null
  "$bin" tenant add-member "$lab" mia@example.com --role marketer >/dev/null
  "$bin" tenant add-member "$lab" alice@example.com --role advocate >/dev/null
done
exec "$bin" serve
