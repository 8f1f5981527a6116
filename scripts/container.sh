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

# The image on the example: same output and exit code as the binary itself. `podman run` needs
# an OCI runtime that can start a container here; where it cannot (exit 126 — e.g. inside an
# unprivileged container: crun refuses hybrid cgroups, runc cannot set rlimits without
# CAP_SYS_RESOURCE), the image's own file system, exported by podman, runs under chroot
# instead, and the script says so: it still proves the image needs nothing but its binary.
run_image() {
    podman run --rm --network=none -v "$PWD/examples/pragmatismo:/src:ro" "gblint:$version" "$@"
}
set +e
run_image --version 2> "$context/run.err"
image_status=$?
set -e
if [ "$image_status" = 126 ]; then
    echo "container.sh: podman cannot start containers on this machine: $(tail -1 "$context/run.err")"
    echo "container.sh: running the image's exported file system under chroot instead"
    rootfs="$context/rootfs"
    mkdir -p "$rootfs"
    cid=$(podman create "gblint:$version")
    podman export "$cid" | tar -x -C "$rootfs"
    podman rm "$cid" > /dev/null
    find "$rootfs" -type f | sed "s#^$rootfs##" | sort
    mkdir -p "$rootfs/src"
    cp -r examples/pragmatismo/. "$rootfs/src/"
    run_image() { chroot "$rootfs" /usr/local/bin/gblint "$@"; }
    run_image --version
elif [ "$image_status" != 0 ]; then
    cat "$context/run.err" >&2
    exit 1
fi
set +e
run_image check --output-format concise /src > "$context/image.out" 2>&1
image_status=$?
(cd examples/pragmatismo && "$context/gblint" check --output-format concise . > "$context/direct.out" 2>&1)
direct_status=$?
set -e
tail -1 "$context/image.out"
if [ "$image_status" != 0 ] || [ "$direct_status" != 0 ]; then
    echo "container.sh: gblint check on the example exited $image_status (image), $direct_status (binary)" >&2
    exit 1
fi
# The summary line must be the same (the example has no findings; paths differ: /src vs .).
if ! diff <(tail -1 "$context/image.out") <(tail -1 "$context/direct.out"); then
    echo "container.sh: the image and the binary disagree on the example" >&2
    exit 1
fi
echo "container: gblint:$version checks the example as the binary does (exit 0)"
