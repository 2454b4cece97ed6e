#!/usr/bin/env bash
# The production build, from a fresh machine: installs what is missing (as the run command
# does, with Debian's binaryen for wasm-opt), builds the optimised server and browser
# bundle, and assembles them in dist/:
#   dist/rally        the server binary
#   dist/site/        the static site it serves (LEPTOS_SITE_ROOT)
# Run it with, e.g.:
#   LEPTOS_SITE_ROOT=dist/site RALLY_ENV=production RALLY_PUBLIC_URL=https://rally.example \
#     RALLY_DATABASE_URL=postgres://… RALLY_REDIS_URL=redis://… RALLY_SMTP_URL=smtps://… \
#     dist/rally serve
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# Hashed file names (rally.<hash>.js, .wasm, .css): browsers keep them for a year, and a
# new build has new names. The server finds hash.txt beside its binary. The site is
# assembled apart from the development one (target/site), which the tests serve.
rm -rf target/release-site
LEPTOS_HASH_FILES=true LEPTOS_SITE_ROOT=target/release-site cargo leptos build --release
rm -rf dist
mkdir -p dist
cp "$CARGO_TARGET_DIR/release/rally" dist/rally
cp "$CARGO_TARGET_DIR/release/hash.txt" dist/hash.txt
cp -r target/release-site dist/site
echo "==> dist/rally and dist/site are ready ($(du -sh dist | cut -f1))"
