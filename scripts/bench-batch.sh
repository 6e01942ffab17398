#!/usr/bin/env bash
# `batch file` against one process per command: N `map update` lines (default 1,000) run by ebpfctl and by
# bpftool, each as one batch and as N processes, in one hyperfine run. Prints the four mean times and the ratios
# ebpfctl/bpftool (below 1: ebpfctl is faster) and batch/processes.
#
#   scripts/bench-batch.sh [EBPFCTL_BINARY] [N]     default: the static release build, 1000
#
# Needs root, bpftool, hyperfine, jq. Creates (and removes) two hash maps pinned under /sys/fs/bpf, one per tool,
# so that each tool writes its own map and every run writes the same N keys (updates of existing keys).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/x86_64-unknown-linux-musl/release/ebpfctl}
N=${2:-1000}
[[ -x $BIN ]] || BIN=target/release/ebpfctl
[[ -x $BIN ]] || { echo "bench: build ebpfctl first (make static or cargo build --release)" >&2; exit 2; }
BIN=$(realpath "$BIN")
for tool in bpftool hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/setup.sh)" >&2; exit 2; }
done
RUNS=${RUNS:-10}

TAG=batchbench$$
WORK=$(mktemp -d)
PIN=/sys/fs/bpf/$TAG
cleanup() { rm -rf "$PIN" "$WORK"; }
trap cleanup EXIT
mkdir -p "$PIN"

for tool in ebpfctl bpftool; do
  bpftool map create "$PIN/$tool" type hash key 4 value 8 entries "$N" name "bb_$tool"
  # One `map update` per key, bytes as operators type them; the same lines as a batch file and as a shell script
  # of one process per line.
  awk -v n="$N" -v map="$PIN/$tool" 'BEGIN {
    for (i = 0; i < n; i++)
      printf "map update pinned %s key %d %d 0 0 value %d 0 0 0 0 0 0 1\n", map, i % 256, int(i / 256), i % 256
  }' >"$WORK/$tool.batch"
done
exe_ebpfctl=$BIN
exe_bpftool=$(command -v bpftool)
for tool in ebpfctl bpftool; do
  exe=exe_$tool
  sed "s|^|${!exe} |" "$WORK/$tool.batch" >"$WORK/$tool.sh"
done

hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/batch.json" \
  -n "ebpfctl batch" "$BIN batch file $WORK/ebpfctl.batch" \
  -n "bpftool batch" "bpftool batch file $WORK/bpftool.batch" \
  -n "ebpfctl x$N processes" "sh $WORK/ebpfctl.sh" \
  -n "bpftool x$N processes" "sh $WORK/bpftool.sh" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }

# Every line really wrote: both maps hold N keys.
for tool in ebpfctl bpftool; do
  got=$(bpftool -j map dump pinned "$PIN/$tool" | jq length)
  [[ $got == "$N" ]] || { echo "bench: $tool's map holds $got keys, not $N" >&2; exit 1; }
done

# Wall time, and CPU time (user + sys), steadier than wall time when other work shares the cores.
mean() { jq ".results[$1].mean * 1000" "$WORK/batch.json"; }
cpu() { jq ".results[$1] | (.user + .system) * 1000" "$WORK/batch.json"; }
report() { # LABEL FN
  local eb bb ep bp
  eb=$($2 0) bb=$($2 1) ep=$($2 2) bp=$($2 3)
  awk -v l="$1" -v n="$N" -v eb="$eb" -v bb="$bb" -v ep="$ep" -v bp="$bp" 'BEGIN {
    printf "%-5s %d map update lines  ebpfctl      bpftool   ebpfctl/bpftool\n", l, n
    printf "      one batch       %9.1f ms %9.1f ms   %5.3f\n", eb, bb, eb / bb
    printf "      %d processes %9.1f ms %9.1f ms   %5.3f\n", n, ep, bp, ep / bp
    printf "      batch/processes %9.3f    %9.3f\n", eb / ep, bb / bp
  }'
}
report wall mean
report cpu cpu
