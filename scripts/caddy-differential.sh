#!/usr/bin/env bash
# Differential check of the Caddyfile pipeline: run two gblint binaries (e.g. main's and a
# branch's release builds) over every Caddyfile of the corpus, tests/realworld and generated
# inputs (1,000 and 10,000 sites, the 16.7 MB file of docs/benchmarks.md) and compare their
# findings (JSON output, byte for byte). Prints one line per differing input and a summary;
# exits 1 when any output differs.
#
#   scripts/caddy-differential.sh OLD_GBLINT NEW_GBLINT [CORPUS]
#
# CORPUS defaults to $GBLINT_CORPUS or ../shared/corpus. Files are checked where they lie
# (relative imports resolve as in the corpus) with `--format caddyfile`; nothing is written.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(realpath "${3:-${GBLINT_CORPUS:-$root/../shared/corpus}}")
gen_dir=${GBLINT_BENCH_GEN:-$root/../shared/bench/gen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

list=$work/inputs
{
    find "$corpus/caddyfile" "$corpus/realworld/caddyfile" "$corpus/realworld/caddyfile-tree" \
        "$corpus/generalbots/caddy" -type f 2>/dev/null \
        | grep -v -e '\.json$' -e '\.md$' -e '\.tsv$' || true
    find "$root/tests/realworld/caddyfile" -type f | grep -v -e '\.md$' || true
} | sort > "$list"

gen=$work/gen
mkdir -p "$gen/1k" "$gen/10k" "$gen/big"
python3 "$gen_dir/gen_caddy.py" 1000 "$gen/1k/Caddyfile"
python3 "$gen_dir/gen_caddy.py" 10000 "$gen/10k/Caddyfile"
python3 "$gen_dir/gen_caddy.py" 215307 "$gen/big/full"
tail -n +7 "$gen/big/full" > "$gen/big/Caddyfile"
rm "$gen/big/full"
printf '%s\n' "$gen/1k/Caddyfile" "$gen/10k/Caddyfile" "$gen/big/Caddyfile" >> "$list"

total=0
differ=0
while IFS= read -r file; do
    total=$((total + 1))
    dir=$(dirname "$file")
    name=$(basename "$file")
    a=$(cd "$dir" && "$old" check --format caddyfile --output-format json "$name" 2>&1; echo "exit $?")
    b=$(cd "$dir" && "$new" check --format caddyfile --output-format json "$name" 2>&1; echo "exit $?")
    if [ "$a" != "$b" ]; then
        differ=$((differ + 1))
        echo "DIFFERS: $file"
        diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -20 || true
    fi
done < "$list"
echo "caddy differential: $total inputs, $differ differ"
[ "$differ" -eq 0 ]
