#!/usr/bin/env bash
# Build the container image (Containerfile, FROM scratch) from the release tarball that
# scripts/release.sh left in dist/, without any download, then run `gblint check` on the
# example deployment through it and compare with what the tarball's binary says directly.
#
# Usage: scripts/container.sh VERSION   (needs podman; root, as CI and LXD hosts run it)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/container.sh VERSION}
tarball="dist/gblint-$version-x86_64-unknown-linux-gnu.tar.gz"
[ -f "$tarball" ] || { echo "container.sh: $tarball missing: run scripts/release.sh $version" >&2; exit 2; }

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
tar -xzf "$tarball" -C "$context" --strip-components=1
cp Containerfile "$context/"
podman build --network=none --pull=never -f "$context/Containerfile" -t "gblint:$version" "$context"
podman image ls "gblint:$version"

# The image on the example: same output and exit code as the binary itself.
podman run --rm --network=none gblint:"$version" --version
set +e
podman run --rm --network=none -v "$PWD/examples/pragmatismo:/src:ro" "gblint:$version" \
    check --output-format concise /src > "$context/image.out"
image_status=$?
(cd examples/pragmatismo && "$context/gblint" check --output-format concise . > "$context/direct.out")
direct_status=$?
set -e
tail -1 "$context/image.out"
if [ "$image_status" != 0 ] || [ "$direct_status" != 0 ]; then
    echo "container.sh: gblint check on the example exited $image_status (image), $direct_status (binary)" >&2
    exit 1
fi
# Paths differ (/src vs .); the findings and the summary must not.
if ! diff <(sed 's#^/src/##; s#^\./##' "$context/image.out") <(sed 's#^\./##' "$context/direct.out"); then
    echo "container.sh: the image and the binary disagree on the example" >&2
    exit 1
fi
echo "container: gblint:$version checks the example as the binary does (exit 0)"
