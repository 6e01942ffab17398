#!/usr/bin/env bash
# `prog show` / `map show` at scale, ebpfctl vs bpftool in one run.
#
# Loads N programs and N maps (default 1000 each: one socket filter per map, plus the object's .rodata holding a
# bpf_metadata_ variable, so both tools also resolve metadata), pins all of them under a private bpffs directory,
# and has one process hold an fd to each, so `pinned` and `pids` have something to find. Then hyperfine times
#   ebpfctl -j prog show        (always walks bpffs for `pinned` and /proc for `pids`)
#   bpftool -j prog show        (no pinned paths; pids only if built with its BPF pid iterator)
#   bpftool -j -f prog show     (with pinned paths: the like-for-like comparison)
# and the same for `map show`, and prints each bpftool time divided by ebpfctl's (> 1: ebpfctl is faster).
#
# Usage: scripts/bench-show.sh [N]      (root; EBPFCTL=path/to/ebpfctl to time another build)
set -euo pipefail

N=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/arch.sh"
. "$ROOT/scripts/show-objects.sh"
EBPFCTL=${EBPFCTL:-$ROOT/target/$NATIVE_TARGET/release/ebpfctl}
CLANG=${BPF_CLANG:-clang-19}
RUNS=${RUNS:-10}

[[ $(id -u) == 0 ]] || { echo "bench-show: run as root" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-show: hyperfine missing (scripts/setup.sh)" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "bench-show: no $EBPFCTL (make static)" >&2; exit 2; }

WORK=$(mktemp -d)
PINS=/sys/fs/bpf/ebpfctl-bench-$$
trap show_objects_cleanup EXIT
# Timed as a copy, as an operator runs it after scp (see scripts/bench-startup.sh: the linker's output file
# costs exec more page faults).
cp "$EBPFCTL" "$WORK/ebpfctl"
EBPFCTL=$WORK/ebpfctl
show_objects "$N"

# Sanity: ebpfctl sees our objects with their pins and holder.
"$EBPFCTL" -j prog show name p0 | python3 -c '
import json, sys
p = json.load(sys.stdin)
assert p["pinned"] and p["pids"], p
'

bench() {
  local what=$1
  hyperfine --style basic --warmup 2 --runs "$RUNS" -N --export-json "$WORK/$what.json" \
    -n "ebpfctl -j $what show" "$EBPFCTL -j $what show" \
    -n "bpftool -j $what show" "bpftool -j $what show" \
    -n "bpftool -j -f $what show" "bpftool -j -f $what show" >&2
  python3 - "$WORK/$what.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
names = list(r)
# Means and medians: on a shared 2-core VM a few runs of a two-thread command are slowed by whatever else is
# scheduled, which moves the mean more than the median.
ours, ours_median = r[names[0]]["mean"], r[names[0]]["median"]
for n in names:
    m, s, med = r[n]["mean"], r[n]["stddev"] or 0.0, r[n]["median"]
    ratio = "" if n == names[0] else f"   bpftool/ebpfctl = {m / ours:.2f} (medians {med / ours_median:.2f})"
    print(f"{n:28s} {m * 1000:8.2f} ms ± {s * 1000:5.2f}, median {med * 1000:8.2f} ms{ratio}")
PY
}

echo "== $N programs, $N maps (+ .rodata), all pinned and held by pid $HOLDER_PID; kernel $(uname -r)"
echo "== $("$EBPFCTL" --version), $(bpftool version | head -1)"
bench prog
bench map
