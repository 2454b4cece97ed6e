# Sourced by the scripts: where builds go, the tools on PATH, and the build environment
# cargo-leptos uses for the server.
#
# Builds go to a target directory outside the clone by default, so a fresh clone (CI)
# reuses the previous build instead of starting cold. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rally/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# `cargo test` must see the same RUSTFLAGS and LEPTOS_* variables as cargo-leptos's server
# build (dev builds add `--cfg erase_components`; leptos reads LEPTOS_* at compile time).
# Otherwise every dependency is compiled twice, once per flavour. Keep in step with
# [package.metadata.leptos] in Cargo.toml.
leptos_cargo() {
  env LEPTOS_OUTPUT_NAME=rally LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. \
    LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false RUSTFLAGS="--cfg erase_components" \
    cargo "$@"
}

# The environment of the release server build (`cargo leptos build --release` sets these
# and, unlike a dev build, no `erase_components`): a benchmark run with it measures the code
# production runs, and reuses that build's compiled dependencies.
release_cargo() {
  env LEPTOS_OUTPUT_NAME=rally LEPTOS_SITE_ROOT=target/release-site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. \
    LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt \
    cargo "$@"
}
