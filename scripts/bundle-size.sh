#!/usr/bin/env bash
# The browser bundle's budget: builds the release front end (wasm + JS, wasm-opt'ed) and
# fails when it is larger than the budget, gzipped. Run by scripts/test.sh.
#   scripts/bundle-size.sh            check (budget 200 KB gzipped)
#   BUDGET_KB=150 scripts/bundle-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
budget_kb="${BUDGET_KB:-200}"

# Only the front end: the server's release build is not needed to weigh the bundle.
cargo leptos build --release --frontend-only >/dev/null

pkg=target/site/pkg
total_raw=0
total_gz=0
for f in "$pkg/rally.wasm" "$pkg/rally.js"; do
  [ -f "$f" ] || { echo "missing $f"; exit 1; }
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '  %-22s %9d bytes  %8d gzipped\n' "$(basename "$f")" "$raw" "$gz"
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
done
printf '  %-22s %9d bytes  %8d gzipped (budget %d KB)\n' "browser bundle" "$total_raw" "$total_gz" "$budget_kb"
if [ "$total_gz" -gt $((budget_kb * 1024)) ]; then
  echo "the browser bundle is over its budget" >&2
  exit 1
fi
