#!/usr/bin/env bash
# The README's first command: install what is missing, build, seed the demo into the
# embedded SQLite databases (./data), and serve.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
cargo leptos build
bin="$CARGO_TARGET_DIR/debug/rally"
"$bin" seed demo
port="${RALLY_LISTEN:-127.0.0.1:3000}"; port="${port##*:}"
cat <<MSG

  Rally is starting on embedded SQLite (data in ${RALLY_DATA_DIR:-./data}). Open:
    http://acme.localhost:$port       Acme Advocates (shard1)
    http://globex.localhost:$port     Globex Insiders (shard2)
    http://accounts.localhost:$port   accounts

MSG
exec "$bin" serve
