#!/usr/bin/env bash
# Installs what building and testing Rally needs, skipping whatever is already there:
# the wasm32 target, cargo-leptos, the wasm-bindgen CLI matching Cargo.lock, the npm
# packages (Tailwind CLI; Playwright for tests) and, for tests, Debian's Chromium, dnsmasq
# and Caddy, and moto (S3), aiosmtpd (SMTP) and openapi-spec-validator from PyPI.
#
#   scripts/setup.sh          build tools only
#   scripts/setup.sh --e2e    also Playwright and Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.5   # 0.3.11 needs a newer rustc than this toolchain's
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version >/dev/null 2>&1; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

# cargo-leptos uses the wasm-bindgen on PATH; it must equal the library version in the lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

if [ ! -x node_modules/.bin/tailwindcss ]; then
  say "installing the Tailwind CLI (npm)"
  npm install --no-audit --no-fund --loglevel=error
fi

# The release front end (and the bundle-size check) runs wasm-opt; cargo-leptos would
# otherwise try to download it.
if ! command -v wasm-opt >/dev/null 2>&1; then
  say "installing binaryen (wasm-opt, apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binaryen >/dev/null
fi

if [ "${1:-}" = "--e2e" ]; then
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing Playwright (npm; it drives Debian's Chromium, no browser download)"
    (cd end2end && npm install --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  # Real peers for the domain and upload tests: a DNS server the test starts (dnsmasq, the
  # binary only), a TLS proxy (Caddy, on-demand certificates) and an S3-compatible server
  # (moto in server mode, from PyPI).
  if ! command -v dnsmasq >/dev/null 2>&1 || ! command -v caddy >/dev/null 2>&1; then
    say "installing dnsmasq and Caddy (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base caddy >/dev/null
    # The package starts a Caddy on port 80 for its default site; tests start their own.
    systemctl disable --now caddy >/dev/null 2>&1 || pkill -x caddy || true
  fi
  if ! python3 -c 'import moto.server, aiosmtpd' >/dev/null 2>&1; then
    say "installing moto (an S3-compatible server) and aiosmtpd (an SMTP server), pip"
    python3 -m pip install --quiet 'moto[server]' aiosmtpd
  fi
  # The service API's OpenAPI document is checked by an independent validator.
  if ! command -v openapi-spec-validator >/dev/null 2>&1; then
    say "installing openapi-spec-validator, pip"
    python3 -m pip install --quiet openapi-spec-validator
  fi
fi
