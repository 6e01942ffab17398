#!/usr/bin/env bash
# `feature probe kernel -j`: ebpfctl vs bpftool 7.1, side by side in one hyperfine run, and the ratio.
# Usage: scripts/bench-feature.sh [EBPFCTL_BINARY]   (default: the static release build, else the glibc release build)
# Goal (issue 7): ebpfctl ≤ 0.5 × bpftool's time.
# Also prints the work per run: busy time of all CPUs (/proc/stat, every task, including the kworkers that free
# each probe program), interleaving the two tools. bpftool runs on one CPU, ebpfctl on all; with the same work the
# wall-time ratio cannot go below 1 / CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh

bin=${1:-}
for candidate in "target/$NATIVE_TARGET/release/ebpfctl" target/release/ebpfctl; do
  [[ -z $bin && -x $candidate ]] && bin=$candidate
done
[[ -n $bin ]] || { echo "bench-feature: build first (make static or cargo build --release)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-feature: hyperfine missing (scripts/setup.sh installs it)" >&2; exit 2; }

echo "bench-feature: $bin vs $(command -v bpftool) ($(bpftool version 2>/dev/null | head -1)), $(nproc) CPUs, load $(cut -d" " -f1-3 /proc/loadavg)" >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$out/bench.json" \
  -n ebpfctl "$bin -j feature probe kernel" \
  -n bpftool "bpftool -j feature probe kernel" >&2
python3 - "$out/bench.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, b = r["ebpfctl"], r["bpftool"]
print(f"ebpfctl  mean {e['mean']*1e3:6.1f} ms  median {e['median']*1e3:6.1f} ms  (± {e['stddev']*1e3:.1f})")
print(f"bpftool  mean {b['mean']*1e3:6.1f} ms  median {b['median']*1e3:6.1f} ms  (± {b['stddev']*1e3:.1f})")
print(f"ratio ebpfctl/bpftool: mean {e['mean']/b['mean']:.2f}  median {e['median']/b['median']:.2f}  (goal <= 0.50)")
PY

# Work per run, all CPUs, all tasks (jiffies -> ms: user+nice+system+irq+softirq), the two tools interleaved.
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8)*1000/hz}' /proc/stat; }
work_e=0 work_b=0
for ((i = 0; i < ${RUNS:-30}; i++)); do
  a=$(busy); "$bin" -j feature probe kernel >/dev/null; b=$(busy); bpftool -j feature probe kernel >/dev/null; c=$(busy)
  work_e=$((work_e + b - a)) work_b=$((work_b + c - b))
done
n=${RUNS:-30}
echo "work per run (all CPUs): ebpfctl $((work_e / n)) ms, bpftool $((work_b / n)) ms"
