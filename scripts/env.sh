# Sourced by the scripts: where builds go, and the tools on PATH.
# Builds go to a target directory outside the clone by default, so a fresh clone (CI)
# reuses the previous build instead of starting cold. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rally/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
