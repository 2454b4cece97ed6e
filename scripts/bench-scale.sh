#!/usr/bin/env bash
# Scale benchmarks (issue 15), each printed side by side in one run (see benches/scale.rs):
#   the 50,000-advocate hub's pages against the demo hub's, on SQLite and PostgreSQL, and the
#   write pause of moving each; 10,000 hubs on 4 shards against 10; Rally's dashboard against
#   a bare axum handler running the same SQL.
#   scripts/bench-scale.sh                     (everything; PostgreSQL at 127.0.0.1:5432)
#   BENCH=big|bare|hubs scripts/bench-scale.sh (one of them)
#   ADVOCATES=5000 LINES=40 HUBS=1000 scripts/bench-scale.sh   (smaller)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
source scripts/env.sh
export RALLY_LOG="${RALLY_LOG:-error}"
which="${BENCH:-all}"
# The big hub and the 10,000 hubs in the dev profile, like the other benchmarks (their
# comparisons are within one build); the dashboard against a bare handler in the release
# build's configuration, since its figure is a rate production is held to.
if [ "$which" != bare ]; then
  [ "$which" = all ] && for b in big hubs; do
    BENCH=$b leptos_cargo bench --profile dev --features ssr --bench scale
  done
  [ "$which" = all ] || leptos_cargo bench --profile dev --features ssr --bench scale
fi
if [ "$which" = all ] || [ "$which" = bare ]; then
  BENCH=bare release_cargo bench --features ssr --bench scale
fi
