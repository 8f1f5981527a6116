#!/usr/bin/env bash
# Build the portable Linux release of gblint, for machines without Rust:
#   dist/gblint-VERSION-x86_64-unknown-linux-gnu.tar.gz   the binary, README.md and LICENSE
#   dist/gblint-VERSION-py3-none-manylinux*_x86_64.whl     the same binary as a Python wheel
#                                                          (maturin, bindings = "bin", like ruff)
#   dist/SHA256SUMS
# The binary is linked statically against glibc (`-C target-feature=+crt-static` on the gnu
# target): it needs no shared library, so it runs on old and new distributions alike, and
# scripts/check-portable.sh asserts that (objdump: no NEEDED entry, no interpreter, no GLIBC_
# symbol import) for the tarball's binary and for the wheel's.
#
# Usage: scripts/release.sh VERSION   (VERSION must equal the workspace version, e.g. 0.1.0)
# Needs maturin on PATH (or MATURIN=/path/to/maturin) for the wheel; SKIP_WHEEL=1 skips it.
# Other targets (aarch64, musl, macOS) are built by .github/workflows/release.yml on runners that
# have those toolchains; this machine has only the x86_64 gnu standard library.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: scripts/release.sh VERSION}
workspace_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
if [ "$version" != "$workspace_version" ]; then
    echo "release.sh: VERSION $version is not the workspace version $workspace_version" >&2
    exit 2
fi
target=x86_64-unknown-linux-gnu
name="gblint-$version-$target"
dist=dist

# The commit goes into `gblint --version` (crates/cli/build.rs), also from a tree without .git.
if [ -z "${GBLINT_COMMIT:-}" ]; then
    GBLINT_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
fi
export GBLINT_COMMIT
# Static glibc; no debug info (the release profile keeps line tables for profiling, which a
# shipped binary does not need: 51 MB with them). The same settings for cargo and maturin, so
# the wheel reuses the build instead of compiling again. --target keeps crt-static away from
# build scripts and proc-macros, which must stay dynamic.
export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static"
export CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols

cargo build --release --locked --target "$target" -p gblint-cli
bin="target/$target/release/gblint"
scripts/check-portable.sh "$bin"

rm -rf "${dist:?}/$name" "$dist/$name.tar.gz" "$dist"/gblint-"$version"-*.whl "$dist/SHA256SUMS"
mkdir -p "$dist/$name"
cp "$bin" README.md LICENSE "$dist/$name/"
# Reproducible archive: fixed owner, order and times (the commit's time when there is one).
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -C "$dist" -cf - "$name" | gzip -9n > "$dist/$name.tar.gz"
rm -rf "${dist:?}/$name"

if [ "${SKIP_WHEEL:-}" != 1 ]; then
    "${MATURIN:-maturin}" build --release --locked --target "$target" --out "$dist"
    wheel=$(ls "$dist"/gblint-"$version"-*.whl)
    unpacked=$(mktemp -d)
    python3 -m zipfile -e "$wheel" "$unpacked"
    scripts/check-portable.sh "$unpacked/gblint-$version.data/scripts/gblint"
    rm -rf "$unpacked"
fi

(cd "$dist" && sha256sum -- gblint-"$version"* > SHA256SUMS && sha256sum -c SHA256SUMS)
ls -l "$dist"
