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
    http://accounts.localhost:$port   accounts (sign in, My hubs)
    http://accounts.localhost:$port/dev/mail   mail Rally would have sent (as ops@example.com)

  Demo accounts, all with the password  rally-demo-password
    alice@example.com  advocate in acme and globex
    mia@example.com    marketer in acme
    owner@example.com  admin of acme
    ops@example.com    platform operator
  globex also answers at http://hub.globex.test:$port once hub.globex.test points to
  127.0.0.1 (e.g. a line in /etc/hosts).

MSG
exec "$bin" serve
