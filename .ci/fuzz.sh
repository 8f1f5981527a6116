#!/usr/bin/env bash
# Bounded fuzzing of every cargo-fuzz target in fuzz/, one after the other on one core.
#
#   .ci/fuzz.sh [SECONDS_PER_TARGET] [SHARED_DIR]
#
# SECONDS_PER_TARGET defaults to 20; SHARED_DIR to ../shared relative to the repository root.
# Each target starts from a seed folder built under a temporary folder from SHARED_DIR/corpus
# and examples/ (nothing is copied into the repository). Exits non-zero when any target
# crashes (its reproducer is under fuzz/artifacts/<target>/). Prints a summary table with the
# exec count libFuzzer reports for each target; full logs are left in fuzz/logs/. Needs a nightly toolchain; installs cargo-fuzz
# when missing. FUZZ_TARGETS="a b" runs only those targets.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

SECONDS_PER_TARGET="${1:-20}"
SHARED="${2:-$ROOT/../shared}"
CORPUS="$SHARED/corpus"
EXAMPLES="$ROOT/examples/pragmatismo"
TARGETS="${FUZZ_TARGETS:-caddyfile corefile zonefile iptables fail2ban systemd check_fix}"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
    echo "usage: $0 [SECONDS_PER_TARGET] [SHARED_DIR]" >&2
    exit 2
fi
if [ ! -d "$CORPUS" ]; then
    echo "fuzz.sh: no corpus at $CORPUS (pass SHARED_DIR)" >&2
    exit 2
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: a nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz missing: installing it"
    cargo install cargo-fuzz --locked || exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gblint-fuzz.XXXXXX")"
LOGS="$ROOT/fuzz/logs"   # kept after the run (git-ignored), one libFuzzer log per target
mkdir -p "$LOGS"
trap 'rm -rf "$WORK"' EXIT

# --- seed folders -------------------------------------------------------------------------
# seed TARGET FILE...: copy each regular file into TARGET's seed folder (name made unique).
seed() {
    local target="$1" file
    shift
    mkdir -p "$WORK/seeds/$target"
    for file in "$@"; do
        [ -f "$file" ] || continue
        cp "$file" "$WORK/seeds/$target/$(printf '%s' "$file" | cksum | cut -d' ' -f1)-$(basename "$file")"
    done
}
# seed_with TARGET PREFIX_BYTE FILE...: same, with one leading selector byte (octal escape).
seed_with() {
    local target="$1" byte="$2" file
    shift 2
    mkdir -p "$WORK/seeds/$target"
    for file in "$@"; do
        [ -f "$file" ] || continue
        { printf "$byte"; cat "$file"; } >"$WORK/seeds/$target/$byte-$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
    done
}
# files DIR [find args...]: regular files below DIR, NUL-free list on stdout.
files() { local dir="$1"; shift; [ -d "$dir" ] && find "$dir" -type f "$@" | sort; }

mapfile -t CADDY < <(files "$CORPUS/caddyfile" \( -name '*.caddyfile' -o -name '*.in' -o -name '*.out' -o -name '*.conf' -o -name '*.txt' \); files "$CORPUS/generalbots/caddy"; echo "$EXAMPLES/pragmatismo-proxy/opt/gbo/conf/config")
mapfile -t COREFILES < <(files "$CORPUS/corefile" -name '*.corefile'; files "$CORPUS/generalbots/coredns" -name 'Corefile*'; files "$EXAMPLES" -name Corefile)
mapfile -t ZONES < <(files "$CORPUS/zonefile" -name '*.zone'; files "$CORPUS/generalbots/coredns" -name '*.zone'; files "$EXAMPLES" -name '*.zone')
mapfile -t RULES < <(files "$CORPUS/iptables" ! -name '*.md'; files "$CORPUS/generalbots/iptables"; files "$EXAMPLES" -name 'rules.v*')
mapfile -t JAILS < <(files "$CORPUS/fail2ban" \( -name '*.conf' -o -name '*.local' \); files "$CORPUS/generalbots/fail2ban"; files "$EXAMPLES" -path '*fail2ban*')
mapfile -t UNITS < <(files "$CORPUS/systemd" ! -name '*.md'; files "$CORPUS/generalbots/systemd"; files "$EXAMPLES" -path '*systemd*')

seed caddyfile "${CADDY[@]}"
seed corefile "${COREFILES[@]}"
seed zonefile "${ZONES[@]}"
seed iptables "${RULES[@]}"
seed fail2ban "${JAILS[@]}"
seed systemd "${UNITS[@]}"
# Multi-document seeds (documents separated by the byte 0xFF): a jail file with each
# project filter as filter.d/f.conf; a unit with the kubelet drop-in.
for filter in "$CORPUS/generalbots/fail2ban/filter.d/caddy.conf" "$EXAMPLES"/pragmatismo-proxy/etc/fail2ban/filter.d/*.conf; do
    [ -f "$filter" ] || continue
    for jail in "$CORPUS/generalbots/fail2ban/jail.local.proxy" "$EXAMPLES/pragmatismo-proxy/etc/fail2ban/jail.local"; do
        [ -f "$jail" ] || continue
        { sed 's/^filter *=.*/filter = f/' "$jail"; printf '\377'; cat "$filter"; } \
            >"$WORK/seeds/fail2ban/pair-$(printf '%s%s' "$jail" "$filter" | cksum | cut -d' ' -f1)"
    done
done
if [ -f "$CORPUS/systemd/kubernetes-release/kubelet.service" ]; then
    { cat "$CORPUS/systemd/kubernetes-release/kubelet.service"; printf '\377'
      cat "$CORPUS/systemd/kubernetes-release/kubelet.service.d/10-kubeadm.conf"; } >"$WORK/seeds/systemd/pair-kubelet"
fi
# check_fix: selector byte 0 Caddyfile, 1 rules.v4, 2 Corefile, 3 rules.v6. Only smallish
# files: the engine is the slow target and big seeds would eat its time.
small() { local f; for f in "$@"; do [ -f "$f" ] && [ "$(wc -c <"$f")" -le 8192 ] && printf '%s\n' "$f"; done; }
mapfile -t SMALL_CADDY < <(small "${CADDY[@]}")
mapfile -t SMALL_CORE < <(small "${COREFILES[@]}")
mapfile -t SMALL_RULES < <(small "${RULES[@]}")
seed_with check_fix '\000' "${SMALL_CADDY[@]}"
seed_with check_fix '\001' "${SMALL_RULES[@]}"
seed_with check_fix '\002' "${SMALL_CORE[@]}"
seed_with check_fix '\003' "$EXAMPLES/pragmatismo-system/etc/iptables/rules.v6"

# --- build once, then run each target -----------------------------------------------------
echo "==> cargo +nightly fuzz build"
if ! cargo +nightly fuzz build; then
    echo "fuzz.sh: build failed" >&2
    exit 1
fi

declare -A EXECS STATUS SEEDS TIME
failed=0
for target in $TARGETS; do
    seeds="$WORK/seeds/$target"
    mkdir -p "$seeds"
    SEEDS[$target]=$(find "$seeds" -type f | wc -l)
    # New inputs go to a scratch corpus folder; the seed folder is read only as a second one.
    mkdir -p "$WORK/corpus/$target" "fuzz/artifacts/$target"
    log="$LOGS/$target.log"
    echo "==> $target: ${SEEDS[$target]} seeds, $SECONDS_PER_TARGET s"
    started=$SECONDS
    cargo +nightly fuzz run "$target" "$WORK/corpus/$target" "$seeds" -- \
        -max_total_time="$SECONDS_PER_TARGET" -jobs=1 -rss_limit_mb=2048 -max_len=65536 \
        -timeout=30 -print_final_stats=1 >"$log" 2>&1
    code=$?
    TIME[$target]=$((SECONDS - started))
    # -jobs=1 runs the fuzzer in a worker whose output goes to fuzz-0.log in the cwd.
    for extra in fuzz/fuzz-0.log fuzz-0.log; do
        if [ -f "$extra" ]; then
            cat "$extra" >>"$log"
            rm -f "$extra"
        fi
    done
    EXECS[$target]=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    EXECS[$target]=${EXECS[$target]:-?}
    if [ $code -ne 0 ] || grep -qE '^==[0-9]+== ?ERROR|panicked at|deadly signal|SUMMARY: libFuzzer' "$log"; then
        STATUS[$target]="CRASH (exit $code)"
        failed=1
        echo "---- $target: the failure ----"
        grep -E -A8 'panicked at|ERROR: libFuzzer' "$log" | grep -v '^ *#[0-9]' | head -40
        grep -E '^(Base64|artifact_prefix|0x)' "$log" | cut -c1-400
        ls -1 "fuzz/artifacts/$target" 2>/dev/null | sed 's/^/artifact: fuzz\/artifacts\/'"$target"'\//'
    else
        STATUS[$target]="ok"
    fi
done

echo
echo "==> summary (-max_total_time=${SECONDS_PER_TARGET} per target, -jobs=1, one after the other)"
printf '%-10s %6s %12s %9s %8s  %s\n' target seeds execs 'wall (s)' 'exec/s' status
for target in $TARGETS; do
    execs="${EXECS[$target]}"
    wall="${TIME[$target]}"
    rate="?"
    [[ "$execs" =~ ^[0-9]+$ ]] && [ "$wall" -gt 0 ] && rate=$((execs / wall))
    printf '%-10s %6s %12s %9s %8s  %s\n' "$target" "${SEEDS[$target]}" "$execs" "$wall" "$rate" "${STATUS[$target]}"
done
exit $failed
