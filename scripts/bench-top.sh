#!/usr/bin/env bash
# `prog top` at scale: the CPU time of one sample of N loaded programs (goal: 1,000 programs in <= 20 ms of CPU),
# side by side with what a poller built on bpftool pays per interval (`bpftool -j prog show`, which prints the
# same counters), in one run.
#
# Loads N socket filters (default 1000) pinned under a private bpffs directory, then
#   ebpfctl -d -j prog top --interval 0.2 --count K   (its -d lines give each sample's CPU time, the sampling
#                                                      thread's, and the whole process's CPU per interval)
#   bpftool -j prog show, ebpfctl -j prog show         (whole-process CPU per run: user + sys, from rusage)
# and prints medians. CPU time rather than wall time: the build VM is shared and wall times swing with its load.
#
# Usage: scripts/bench-top.sh [N]      (root; EBPFCTL=path/to/ebpfctl, RUNS=runs of each show, K=intervals)
set -euo pipefail

N=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EBPFCTL=${EBPFCTL:-$ROOT/target/x86_64-unknown-linux-musl/release/ebpfctl}
CLANG=${BPF_CLANG:-clang-19}
RUNS=${RUNS:-20}
K=${K:-40}

[[ $(id -u) == 0 ]] || { echo "bench-top: run as root" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "bench-top: no $EBPFCTL (make static)" >&2; exit 2; }

WORK=$(mktemp -d)
PINS=/sys/fs/bpf/ebpfctl-bench-top-$$
cleanup() { rm -rf "$PINS" "$WORK"; }
trap cleanup EXIT

# libbpf's BPF-side headers, from any ebpfctl build (glibc or musl).
INCLUDE=$(ls -d "$ROOT"/target/{,*/}*/build/ebpfctl-*/out/include 2>/dev/null | head -1 || true)
[[ -n $INCLUDE ]] || { echo "bench-top: build ebpfctl once first (libbpf headers)" >&2; exit 2; }
{
  echo '#include "vmlinux.h"'
  echo '#include <bpf/bpf_helpers.h>'
  for ((i = 0; i < N; i++)); do
    echo "SEC(\"socket\") int top_bench_$i(struct __sk_buff *skb) { return skb->len > $i; }"
  done
  echo 'char LICENSE[] SEC("license") = "GPL";'
} > "$WORK/bench.bpf.c"
"$CLANG" -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$ROOT/bpf" -I"$INCLUDE" -c "$WORK/bench.bpf.c" -o "$WORK/bench.o"
mkdir -p "$PINS"
echo "bench-top: loading $N programs ..." >&2
bpftool prog loadall "$WORK/bench.o" "$PINS" 2>/dev/null
TOTAL=$("$EBPFCTL" -j prog show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

echo "== $N programs loaded ($TOTAL on the box); kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $("$EBPFCTL" --version), $(bpftool version | head -1)"

# ebpfctl prog top: K intervals of 0.2 s; the -d lines carry ebpfctl's own cost.
"$EBPFCTL" -d -j prog top --interval 0.2 --count "$K" > "$WORK/top.jsonl" 2> "$WORK/top.err"
python3 - "$WORK/top.jsonl" "$WORK/top.err" <<'PY'
import json, re, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines and all(l["programs"] for l in lines), "prog top printed nothing"
first = cpu = None
samples, intervals = [], []
for l in open(sys.argv[2]):
    m = re.search(r"first sample (\d+) ids \((\d+) read\) ([\d.]+) ms CPU", l)
    if m:
        first = (int(m[1]), float(m[3]))
    m = re.search(r"sample (\d+) ids \((\d+) read\) ([\d.]+) ms CPU ([\d.]+) ms wall \| interval ([\d.]+) ms CPU"
                  r".*pins\+pids ([\d.]+) ms", l)
    if m and "first" not in l:
        samples.append(float(m[3]))
        intervals.append(float(m[5]))
        refresh = float(m[6])
        ids = int(m[1])
med = statistics.median
print(f"ebpfctl prog top, one sample of {ids} programs:   median {med(samples):6.2f} ms CPU, "
      f"max {max(samples):6.2f} ms ({len(samples)} samples)")
if first:
    print(f"ebpfctl prog top, first sample (reads names):   {first[1]:6.2f} ms CPU")
print(f"ebpfctl prog top, whole process per interval: median {med(intervals):6.2f} ms CPU, "
      f"max {max(intervals):6.2f} ms (the max: an interval with a pins+pids refresh, every 5 s)")
print(f"ebpfctl prog top, one pins+pids refresh (bpffs and /proc walks): {refresh:.1f} ms wall")
open(sys.argv[1] + ".sample", "w").write(str(med(samples)))
PY

# Whole-process CPU (user + sys) of one `show` run, averaged over RUNS runs.
cpu_per_run() {
  python3 - "$RUNS" "$@" <<'PY'
import resource, subprocess, sys
runs, cmd = int(sys.argv[1]), sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm-up
before = resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(runs):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000 / runs)
PY
}
BPFTOOL_MS=$(cpu_per_run bpftool -j prog show)
SHOW_MS=$(cpu_per_run "$EBPFCTL" -j prog show)
SAMPLE_MS=$(cat "$WORK/top.jsonl.sample")
python3 - "$SAMPLE_MS" "$BPFTOOL_MS" "$SHOW_MS" <<'PY'
import sys
sample, bpftool, show = map(float, sys.argv[1:])
print(f"bpftool -j prog show (one listing, whole process):     {bpftool:6.2f} ms CPU")
print(f"ebpfctl -j prog show (one listing, pins and pids too):  {show:6.2f} ms CPU")
print(f"ratio: one prog top sample / one bpftool listing = {sample / bpftool:.3f}")
PY
