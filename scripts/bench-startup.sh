#!/usr/bin/env bash
# Start-up and small listings, ebpfctl vs bpftool in one hyperfine run each (issue 18: what operators feel).
#
#   ebpfctl version          vs  bpftool version
#   ebpfctl -j prog show     vs  bpftool -j prog show
#   ebpfctl -j map show      vs  bpftool -j map show
#
# on whatever the kernel has loaded now (the object counts are printed). ebpfctl's show also walks bpffs for
# `pinned` and /proc for `pids`, which bpftool 7.1 (built without its pid iterator) does not. Prints each pair's
# ratio, ebpfctl's mean time over bpftool's (<= 1.00: ebpfctl is as fast or faster).
#
# Usage: scripts/bench-startup.sh      (root; EBPFCTL=path/to/ebpfctl to time another build, RUNS=N, default 300)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EBPFCTL=${EBPFCTL:-$ROOT/target/x86_64-unknown-linux-musl/release/ebpfctl}
BPFTOOL=${BPFTOOL:-bpftool}
RUNS=${RUNS:-300}

[[ $(id -u) == 0 ]] || { echo "bench-startup: run as root" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-startup: hyperfine missing (scripts/setup.sh)" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "bench-startup: no $EBPFCTL (scripts/build-static.sh)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Timed as a copy, as an operator runs it after scp: the linker's own output file sits in the page cache in
# small folios, and exec maps it with more page faults (0.82 vs 0.66 ms for `version`, same bytes).
cp "$EBPFCTL" "$WORK/ebpfctl"
EBPFCTL=$WORK/ebpfctl

count() { "$BPFTOOL" -j "$1" show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
echo "bench-startup: $(count prog) programs, $(count map) maps, $(ls -d /proc/[0-9]* | wc -l) processes;" \
  "$EBPFCTL vs $(command -v "$BPFTOOL")"

# One hyperfine run per pair (-N: no shell in between, both tools interleaved in the same conditions).
pair() {
  local name=$1 args=$2
  hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/$name.json" \
    -n ebpfctl "$EBPFCTL $args" -n bpftool "$BPFTOOL $args" >/dev/null 2>&1
  python3 - "$WORK/$name.json" "$args" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, b = r["ebpfctl"], r["bpftool"]
print(f"{sys.argv[2]:<16} ebpfctl {e['mean']*1e3:6.2f} ms (median {e['median']*1e3:5.2f})   "
      f"bpftool {b['mean']*1e3:6.2f} ms (median {b['median']*1e3:5.2f})   "
      f"ratio {e['mean']/b['mean']:.2f} (medians {e['median']/b['median']:.2f})")
PY
}
pair version "version"
pair prog "-j prog show"
pair map "-j map show"
