#!/usr/bin/env sh
# Entry point of the *-prebuilt pre-commit hooks (.pre-commit-hooks.yaml): run an installed
# gblint ($GBLINT_BIN, else `gblint` on PATH) in the repository being committed to, but only
# when it is exactly the version of the hook's rev (the workspace version in this checkout's
# Cargo.toml): a different gblint would check by other rules than the ones pinned.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
want=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$here/Cargo.toml")
bin=${GBLINT_BIN:-gblint}
if ! command -v "$bin" >/dev/null 2>&1; then
    echo "gblint prebuilt hook: no '$bin' on PATH; install gblint $want (release tarball," \
        "wheel or cargo install --locked gblint-cli@$want) or use the gblint-check hook," \
        "which builds it" >&2
    exit 2
fi
# `gblint --version` prints `gblint VERSION (COMMIT) TARGET`.
have=$("$bin" --version | awk '{print $2}')
if [ "$have" != "$want" ]; then
    echo "gblint prebuilt hook: $(command -v "$bin") is gblint $have, the hook's rev is $want;" \
        "install gblint $want or change rev" >&2
    exit 2
fi
exec "$bin" "$@"
