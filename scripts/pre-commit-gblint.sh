#!/usr/bin/env sh
# Entry point of the pre-commit hooks (.pre-commit-hooks.yaml): build gblint from the hook's own
# checkout once (pre-commit caches it, so later runs only start the binary) and run it in the
# repository being committed to. Uses an installed `gblint` when one is on PATH.
set -eu
if command -v gblint >/dev/null 2>&1; then
    exec gblint "$@"
fi
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --quiet --release --locked --manifest-path "$here/Cargo.toml" -p gblint-cli
exec "$here/target/release/gblint" "$@"
