#!/usr/bin/env bash
# Issue 18's small commands beside bpftool 7.1, as paired alternating runs (scripts/bench-paired.c):
#
#   version                 (the whole start-up)
#   -j prog show            with no programs loaded (skipped when the kernel has some)
#   -j prog show            10 programs, each pinned and held (scripts/show-objects.sh)
#   -j map show             the same 10 maps, plus each object's .rodata and whatever else the kernel has
#
# ebpfctl's show also walks bpffs for `pinned` and /proc for `pids`, which bpftool 7.1 does not: its plain
# listing is the bar. Each ratio is ebpfctl's time over bpftool's, the median of the per-round ratios
# (<= 1.000: ebpfctl is as fast or faster). ebpfctl is timed as a fresh copy, as an operator runs it after scp.
#
# Usage: scripts/bench-small.sh      (root; EBPFCTL=path/to/ebpfctl for another build, ROUNDS=N, default 500)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/arch.sh"
. "$ROOT/scripts/show-objects.sh"
EBPFCTL=${EBPFCTL:-$ROOT/target/$NATIVE_TARGET/release/ebpfctl}
BPFTOOL=$(command -v "${BPFTOOL:-bpftool}")
CLANG=${BPF_CLANG:-clang-19}
ROUNDS=${ROUNDS:-500}

[[ $(id -u) == 0 ]] || { echo "bench-small: run as root" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "bench-small: no $EBPFCTL (scripts/build-static.sh)" >&2; exit 2; }

WORK=$(mktemp -d)
PINS=/sys/fs/bpf/ebpfctl-bench-small-$$
trap show_objects_cleanup EXIT
cc -O2 -o "$WORK/paired" "$ROOT/scripts/bench-paired.c"
cp "$EBPFCTL" "$WORK/ebpfctl"
EBPFCTL=$WORK/ebpfctl
paired() { "$WORK/paired" "$ROUNDS" "$EBPFCTL $1" "$BPFTOOL $1"; }
count() { "$BPFTOOL" -j "$1" show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

echo "== kernel $(uname -r), $(ls -d /proc/[0-9]* | wc -l) processes; $("$EBPFCTL" version | head -1) vs" \
  "$("$BPFTOOL" version | head -1)"
paired version
if [[ $(count prog) == 0 ]]; then
  paired "-j prog show"
else
  echo "(-j prog show with no programs: skipped, the kernel has $(count prog))"
fi
show_objects 10
echo "== $(count prog) programs, $(count map) maps, 10 of each pinned and held"
paired "-j prog show"
paired "-j map show"
