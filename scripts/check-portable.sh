#!/usr/bin/env bash
# Assert that a gblint binary runs on any x86_64 Linux distribution: no dynamic section and
# no interpreter (static, as scripts/release.sh builds it), or else no glibc symbol version
# newer than GLIBC_MAX (default 2.17, the manylinux2014 floor). Prints what it found.
#
# Usage: scripts/check-portable.sh PATH/TO/gblint
set -euo pipefail
bin=${1:?usage: scripts/check-portable.sh BINARY}
max=${GLIBC_MAX:-2.17}

file_info=$(file -b "$bin" 2>/dev/null || true)
echo "file: ${file_info:-<file(1) not installed>}"
echo "size: $(stat -c %s "$bin") bytes"
echo "ldd: $(ldd "$bin" 2>&1 | head -3 | tr '\n' ' ')"

if ! objdump -p "$bin" | grep -q 'NEEDED'; then
    if objdump -p "$bin" | grep -q 'INTERP'; then
        echo "check-portable: no NEEDED libraries but an INTERP header" >&2
        exit 1
    fi
    versions=$(objdump -T "$bin" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV || true)
    if [ -n "$versions" ]; then
        echo "check-portable: a static binary must not import glibc symbols: $versions" >&2
        exit 1
    fi
    echo "portable: statically linked (no NEEDED library, no interpreter, no GLIBC_ symbol imports)"
    exit 0
fi

echo "NEEDED: $(objdump -p "$bin" | awk '/NEEDED/ {print $2}' | tr '\n' ' ')"
newest=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
echo "newest glibc symbol version: GLIBC_$newest (limit GLIBC_$max)"
if [ "$(printf '%s\n%s\n' "$newest" "$max" | sort -V | tail -1)" != "$max" ]; then
    echo "check-portable: needs glibc $newest, newer than $max" >&2
    exit 1
fi
echo "portable: dynamically linked against glibc <= $max"
