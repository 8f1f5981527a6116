#!/usr/bin/env bash
# Time gblint against the real tools on the shared generated inputs, each pair in one run on
# one machine, and regenerate docs/benchmarks.md (medians, ratio gblint/tool, peak RSS,
# growth per 10x). Needs root (iptables runs only inside a network namespace this script
# creates and deletes), hyperfine, caddy, iptables, fail2ban, systemd-analyze.
# Usage: scripts/bench.sh [SHARED_DIR]   (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
# Each run below hides its output: a missing tool would end the script without a word.
for tool in hyperfine caddy iptables-legacy-restore iptables-nft-restore fail2ban-client systemd-analyze; do
    command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done
root=$(pwd)
shared=${1:-$root/../shared}
gen=$shared/bench/gen
work=$(mktemp -d)
ns=gblint-bench-$$
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --quiet --release -p gblint-cli
gblint=$root/target/release/gblint
results=$work/results.tsv
: > "$results"

# measure LABEL SIZE BYTES 'command': median seconds (hyperfine) and peak RSS (GNU time).
measure() {
    local label=$1 size=$2 bytes=$3 cmd=$4 json=$work/$1-$2.json
    hyperfine --style none --warmup 1 --min-runs 5 --max-runs 20 -i --export-json "$json" "$cmd" >/dev/null 2>&1
    local rss
    # A tool that refuses its input still ran: its exit code is not what is measured.
    rss=$(/usr/bin/time -f '%M' sh -c "$cmd >/dev/null 2>&1" 2>&1 | tail -1 || true)
    python3 - "$json" "$label" "$size" "$bytes" "$rss" >> "$results" <<'PY'
import json, sys
path, label, size, size_bytes, rss = sys.argv[1:]
r = json.load(open(path))["results"][0]
print("\t".join([label, size, size_bytes, f'{r["median"]:.5f}', rss]))
PY
}
bytes() { du -cb "$@" | tail -1 | cut -f1; }

for n in 25 1000 10000; do
    f=$work/caddy-$n/Caddyfile; mkdir -p "$(dirname "$f")"; python3 "$gen/gen_caddy.py" $n "$f"
    measure gblint-caddy $n "$(bytes "$f")" "$gblint check $f --output-format concise"
    measure caddy-adapt $n "$(bytes "$f")" "caddy adapt --config $f --adapter caddyfile"
    measure caddy-validate $n "$(bytes "$f")" "caddy validate --config $f --adapter caddyfile"
done
for n in 100 10000 100000; do
    f=$work/rules-$n.v4; python3 "$gen/gen_iptables.py" $n "$f"
    measure gblint-iptables $n "$(bytes "$f")" "$gblint check $f --output-format concise"
    measure iptables-legacy-test $n "$(bytes "$f")" "ip netns exec $ns iptables-legacy-restore --test < $f"
    measure iptables-nft-test $n "$(bytes "$f")" "ip netns exec $ns iptables-nft-restore --test < $f"
done
for n in 1 20 200; do
    python3 "$gen/gen_fail2ban.py" $n "$work/f2b-$n"
    mkdir -p "$work/f2b-$n/tree/etc"; cp -r "$work/f2b-$n/conf" "$work/f2b-$n/tree/etc/fail2ban"
    # bytes: the whole configuration folder gblint and fail2ban read, not only jail.local.
    measure gblint-fail2ban $n "$(du -sb "$work/f2b-$n/conf" | cut -f1)" "$gblint check $work/f2b-$n/tree --output-format concise"
    measure fail2ban-client-t $n "$(du -sb "$work/f2b-$n/conf" | cut -f1)" "fail2ban-client -c $work/f2b-$n/conf -t"
    python3 "$gen/gen_systemd.py" $n "$work/units-$n"
    measure gblint-systemd $n "$(bytes "$work"/units-$n/*.service)" "$gblint check $work/units-$n --output-format concise"
    measure systemd-analyze-verify $n "$(bytes "$work"/units-$n/*.service)" "systemd-analyze verify --man=no $work/units-$n/*.service"
done
# Many small Caddyfiles, one per folder: the cross-file work must grow linearly (gblint alone).
for n in 1000 10000 100000; do
    d=$work/caddy-files-$n
    python3 - "$n" "$d" <<'PY'
import os, sys
n, root = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    d = os.path.join(root, f"s{i // 1000:03d}", f"site{i:06d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "Caddyfile"), "w") as f:
        f.write("{\n\tstorage file_system /data\n}\n\nsite%d.example.com {\n\treverse_proxy 127.0.0.1:%d\n}\n" % (i, 8000 + i % 1000))
PY
    measure gblint-caddy-files $n "$(du -sb "$d" | cut -f1)" "$gblint check $d --output-format concise"
done
# One Caddyfile just under the 16 MiB default limit, without its global block (so --fix has
# CDY001's fix to apply): peak memory of check and of one --fix --unsafe run on a fresh copy.
big=$work/caddy-big; mkdir -p "$big"; python3 "$gen/gen_caddy.py" 215307 "$big/full"
tail -n +7 "$big/full" > "$big/Caddyfile"
measure gblint-caddy-16mb check "$(bytes "$big/Caddyfile")" "$gblint check $big/Caddyfile --output-format concise"
cp "$big/Caddyfile" "$big/fix"; mkdir -p "$big/f"; mv "$big/fix" "$big/f/Caddyfile"
fix_rss=$(/usr/bin/time -f '%e %M' sh -c "$gblint check $big/f/Caddyfile --fix --unsafe --output-format concise >/dev/null 2>&1" 2>&1 | tail -1)
printf 'gblint-caddy-16mb\tfix\t%s\t%s\t%s\n' "$(bytes "$big/Caddyfile")" "${fix_rss% *}" "${fix_rss#* }" >> "$results"

ex=examples/pragmatismo
measure gblint-example-tenant 15 "$(du -sb $ex | cut -f1)" "$gblint check $ex"
# The real tools over the same tenant, one after the other: caddy validate, both rules files,
# fail2ban-client -t (Debian's stock configuration with the proxy's jail.local, filter and
# jail.d on top) and systemd-analyze verify of the four units.
f2b=$work/tenant-fail2ban; cp -r /etc/fail2ban "$f2b"; cp -r $ex/pragmatismo-proxy/etc/fail2ban/. "$f2b"/
measure tools-example-tenant 15 "$(du -sb $ex | cut -f1)" "caddy validate --config $ex/pragmatismo-proxy/opt/gbo/conf/config --adapter caddyfile; ip netns exec $ns iptables-legacy-restore --test < $ex/pragmatismo-system/etc/iptables/rules.v4; ip netns exec $ns ip6tables-legacy-restore --test < $ex/pragmatismo-system/etc/iptables/rules.v6; fail2ban-client -c $f2b -t; systemd-analyze verify --man=no $ex/*/etc/systemd/system/*.service"

# 500 tenants in one repository (each the example tree), one thread and every core.
tenants=$work/tenants; mkdir -p "$tenants/.git"
for i in $(seq 1 500); do cp -r $ex "$tenants/tenant-$i"; done
measure gblint-tenants-1 500 "$(du -sb "$tenants" | cut -f1)" "$gblint check $tenants --output-format concise --threads 1"
measure gblint-tenants-all 500 "$(du -sb "$tenants" | cut -f1)" "$gblint check $tenants --output-format concise"

python3 - "$results" "$root/docs/benchmarks.md" "$root/docs/benchmarks-profile.md" <<'PY'
import sys, platform, subprocess, datetime
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data = {(r[0], r[1]): r for r in rows}
pairs = [("gblint-caddy", "caddy-adapt", "Caddyfile, N sites: vs `caddy adapt`"),
         ("gblint-caddy", "caddy-validate", "Caddyfile, N sites: vs `caddy validate`"),
         ("gblint-iptables", "iptables-legacy-test", "iptables-save dump, N rules: vs `iptables-legacy-restore --test` (private netns)"),
         ("gblint-iptables", "iptables-nft-test", "iptables-save dump, N rules: vs `iptables-nft-restore --test` (private netns)"),
         ("gblint-fail2ban", "fail2ban-client-t", "fail2ban, N jails: vs `fail2ban-client -t`"),
         ("gblint-systemd", "systemd-analyze-verify", "systemd, N units: vs `systemd-analyze verify`")]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
out = ["# Benchmarks", "", f"Regenerated by `scripts/bench.sh` on {datetime.date.today()}: {cpu}, {subprocess.run(['nproc'],capture_output=True,text=True).stdout.strip()} cores, {platform.platform()}.",
       "Each row times gblint (release build, whole process: discovery, parse, every default rule, output) and the real tool on the same generated input in the same run (hyperfine medians; peak RSS from GNU time).", ""]
for ours, theirs, what in pairs:
    theirs_key = theirs
    out += [f"## {what}", "", "| N | bytes | gblint | tool | gblint/tool | gblint RSS | tool RSS |", "|---|---|---|---|---|---|---|"]
    sizes = sorted({r[1] for r in rows if r[0] == ours}, key=int)
    for n in sizes:
        a, b = data.get((ours, n)), data.get((theirs_key, n))
        if not a or not b: continue
        ratio = float(a[3]) / float(b[3]) if float(b[3]) else float("nan")
        out.append(f"| {n} | {a[2]} | {float(a[3])*1000:.1f} ms | {float(b[3])*1000:.1f} ms | {ratio:.3f} | {int(a[4])//1024} MB | {int(b[4])//1024} MB |")
    if len(sizes) >= 2:
        growth = []
        for lo, hi in zip(sizes, sizes[1:]):
            a, b = data[(ours, lo)], data[(ours, hi)]
            factor = int(hi) / int(lo)
            ratio = float(b[3]) / float(a[3])
            growth.append(f"{lo}→{hi} (×{factor:g} input): time ×{ratio:.2f}, time per item ×{ratio/factor:.2f}")
        out += ["", "gblint growth: " + "; ".join(growth)]
    out.append("")
ex = data.get(("gblint-example-tenant", "15"))
tools = data.get(("tools-example-tenant", "15"))
if ex and tools:
    out += ["## Whole example tenant", "", "| what | time | RSS |", "|---|---|---|",
            f"| `gblint check examples/pragmatismo` (15 files, all formats) | {float(ex[3])*1000:.1f} ms | {int(ex[4])//1024} MB |",
            f"| caddy validate + iptables/ip6tables-legacy-restore --test + fail2ban-client -t + systemd-analyze verify, same files | {float(tools[3])*1000:.1f} ms | {int(tools[4])//1024} MB (largest) |",
            f"| ratio gblint/tools | {float(ex[3])/float(tools[3]):.3f} | |", ""]
files = sorted((r for r in rows if r[0] == "gblint-caddy-files"), key=lambda r: int(r[1]))
if files:
    out += ["## Many Caddyfiles, N files (one per folder): gblint alone", "", "| N | bytes | gblint | time per file | gblint RSS |", "|---|---|---|---|---|"]
    for r in files:
        out.append(f"| {r[1]} | {r[2]} | {float(r[3])*1000:.1f} ms | {float(r[3])/int(r[1])*1e6:.1f} µs | {int(r[4])//1024} MB |")
    out.append("")
big = [r for r in rows if r[0] == "gblint-caddy-16mb"]
if big:
    out += ["## One Caddyfile just under the 16 MiB limit", "", "| run | bytes | time | peak RSS | memory budget (4 × input + 16 MB) |", "|---|---|---|---|---|"]
    for r in big:
        out.append(f"| {r[1]} | {r[2]} | {float(r[3]):.2f} s | {int(r[4])//1024} MB | {(4 * int(r[2])) // 1024 // 1024 + 16} MB |")
    out.append("")
# The budgets of docs/design.md §6, judged on this run.
budgets = [("Caddyfile 10,000 sites, whole process", ("gblint-caddy", "10000"), 0.015),
           ("iptables 100,000 rules, whole process", ("gblint-iptables", "100000"), 0.100),
           ("fail2ban 200 jails", ("gblint-fail2ban", "200"), 0.010),
           ("systemd 200 units", ("gblint-systemd", "200"), 0.010),
           ("example tenant (15 files)", ("gblint-example-tenant", "15"), 0.010)]
out += ["## Budgets (docs/design.md §6) on this run", "", "| work | budget | measured | met | peak RSS | memory budget (4 × input + 16 MB) | met |", "|---|---|---|---|---|---|---|"]
for what, key, limit in budgets:
    r = data.get(key)
    if not r: continue
    t = float(r[3]); rss_kb = int(r[4]); mem_budget_kb = (4 * int(r[2])) // 1024 + 16 * 1024
    out.append(f"| {what} | {limit*1000:.0f} ms | {t*1000:.1f} ms | {'yes' if t <= limit else '**no**'} | {rss_kb//1024} MB | {mem_budget_kb//1024} MB | {'yes' if rss_kb <= mem_budget_kb else '**no**'} |")
out.append("")
# The goals of issue #17 (performance, second round), judged on this run.
def row(key):
    return data.get(key)
def ms(r):
    return float(r[3]) * 1000
def mb(r):
    return int(r[4]) / 1024
goals = ["## Performance goals (issue #17) on this run", "",
         "| work | goal | measured | met |", "|---|---|---|---|"]
for n in ("10000", "100000"):
    a, b = row(("gblint-iptables", n)), row(("iptables-legacy-test", n))
    if a and b:
        ratio = float(a[3]) / float(b[3])
        goals.append(f"| iptables {int(n):,} rules vs `iptables-legacy-restore --test` | ≤ 1.0× | {ms(a):.1f} ms / {ms(b):.1f} ms = {ratio:.2f}× | {'yes' if ratio <= 1.0 else '**no**'} |")
a = row(("gblint-iptables", "100000"))
if a:
    limit = (4 * int(a[2])) / 1024 / 1024 + 16
    goals.append(f"| iptables 100,000 rules, peak RSS | ≤ 4 × input + 16 MB ({limit:.0f} MB) | {mb(a):.1f} MB | {'yes' if mb(a) <= limit else '**no**'} |")
a = row(("gblint-caddy", "10000"))
if a:
    goals.append(f"| Caddyfile 10,000 sites | ≤ 15 ms, ≤ 18 MB | {ms(a):.1f} ms, {mb(a):.1f} MB | {'yes' if ms(a) <= 15 and mb(a) <= 18 else '**no**'} |")
a = row(("gblint-fail2ban", "200"))
if a:
    goals.append(f"| fail2ban 200 jails (stock tree) | ≤ 10 ms, ≤ 17 MB | {ms(a):.1f} ms, {mb(a):.1f} MB | {'yes' if ms(a) <= 10 and mb(a) <= 17 else '**no**'} |")
a, b = row(("gblint-tenants-1", "500")), row(("gblint-tenants-all", "500"))
if a and b:
    speedup = float(a[3]) / float(b[3])
    goals.append(f"| 500 tenants, every core vs `--threads 1` | ≥ 1.7× | {ms(a):.0f} ms / {ms(b):.0f} ms = {speedup:.2f}× | {'yes' if speedup >= 1.7 else '**no**'} |")
a = row(("gblint-example-tenant", "15"))
if a:
    goals.append(f"| the example tenant | ≤ 10 ms | {ms(a):.1f} ms | {'yes' if ms(a) <= 10 else '**no**'} |")
out += goals + [""]
notes = sys.argv[3]
import os
if os.path.exists(notes):
    out += [open(notes).read().rstrip("\n"), ""]
open(sys.argv[2], "w").write("\n".join(out))
PY
echo "wrote docs/benchmarks.md"
