#!/usr/bin/env bash
# Time `gblint check .` over a repository of N tenants (each a copy of examples/pragmatismo),
# on one thread and on every core, in one run; prints the medians and the speed-up.
# Needs hyperfine (Debian package). Usage: scripts/bench-tenants.sh [N]   (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
cargo build --quiet --release -p gblint-cli
gblint=$(pwd)/target/release/gblint
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir "$repo/.git"
for i in $(seq 1 "$n"); do cp -r examples/pragmatismo "$repo/tenant-$i"; done
cores=$(nproc)
json=$repo/.tenants.json
hyperfine --style none --warmup 1 --min-runs 5 --export-json "$json" \
    -n threads-1 "$gblint check $repo --output-format concise --threads 1" \
    -n "threads-$cores" "$gblint check $repo --output-format concise" >/dev/null
python3 - "$json" "$n" "$cores" <<'PY'
import json, sys
path, n, cores = sys.argv[1:]
one, many = (r["median"] for r in json.load(open(path))["results"])
print(f"{n} tenants: --threads 1 {one*1000:.0f} ms, {cores} threads {many*1000:.0f} ms, speed-up {one/many:.2f}x")
PY
