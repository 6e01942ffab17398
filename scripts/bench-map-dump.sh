#!/usr/bin/env bash
# Map dump benchmark, ebpfctl and bpftool side by side in one run:
#   hash map u32 -> struct { u64 packets; u64 bytes; char comm[16]; } with BTF, 100k and 1M entries,
#   `map dump -j > /dev/null`, timed with hyperfine (wall time and CPU time = user + sys, which is steadier on a
#   shared machine), syscalls counted with strace -c, peak RSS from getrusage. "kernel" is BPF_MAP_LOOKUP_BATCH alone over the same map
#   (scripts/bench-map-walk.c): the floor no user-space formatting can go under.
# CALLGRIND=1 also counts user-space instructions at 100k entries (valgrind --tool=callgrind; repeatable on a
# loaded machine, unlike times).
# BASELINE=OTHER_BINARY adds an earlier ebpfctl build to the same hyperfine run (before/after figures of a change).
# Usage: [RUNS=5] [CALLGRIND=1] [BASELINE=BIN] scripts/bench-map-dump.sh [BINARY]   (default: the static release
# build; run as root)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh
BIN=${1:-target/$NATIVE_TARGET/release/ebpfctl}
[ -x "$BIN" ] || { echo "bench: $BIN missing; run make static" >&2; exit 2; }
# ls fails when one of the two globs matches nothing; that is fine as long as the other one does.
include=$(libbpf_include .)
[ -n "$include" ] || { echo "bench: libbpf headers not found; build first" >&2; exit 2; }

work=$(mktemp -d)
pins=/sys/fs/bpf/ebpfctl-bench-$$
cleanup() { rm -rf "$work" "$pins"; }
trap cleanup EXIT
mkdir -p "$pins"
cc -O2 -o "$work/walk" scripts/bench-map-walk.c
clang-19 -O2 -g -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$NATIVE_ARCH")" -Ibpf -I"$include" -c tests/bpf/bench_map.bpf.c -o "$work/bench.o"

for n in 100000 1000000; do
  rm -rf "$pins"/*
  # bpftool loads the object so that the map carries BTF, as a real program's map would.
  bpftool prog loadall "$work/bench.o" "$pins/progs" pinmaps "$pins/maps"
  map="$pins/maps/bench_flows"
  awk -v n="$n" 'BEGIN {
    for (k = 0; k < n; k++) {
      printf "{\"key\":[%d,%d,%d,%d],\"value\":[", k % 256, int(k / 256) % 256, int(k / 65536) % 256, int(k / 16777216)
      for (i = 0; i < 32; i++) printf "%s%d", (i ? "," : ""), (i < 16 ? (k + i) % 256 : 97 + i % 26)
      printf "]}\n"
    } }' >"$work/fill.jsonl"
  "$BIN" map update pinned "$map" --from "$work/fill.jsonl" >/dev/null
  echo "== $n entries"
  hyperfine -N --style basic --warmup 1 --runs "${RUNS:-5}" --output=null --export-json "$work/h.json" \
    -n ebpfctl "$BIN -j map dump pinned $map" \
    -n bpftool "bpftool -j map dump pinned $map" \
    -n kernel "$work/walk $map" \
    ${BASELINE:+-n baseline "$BASELINE -j map dump pinned $map"} >/dev/null
  jq -r '.results | map({(.command): {wall: .mean, cpu: (.user + .system)}}) | add
    | def ms(x): x * 1000 | floor; def r(x; y): (x / y * 1000 | floor) / 1000;
      "   wall: ebpfctl \(ms(.ebpfctl.wall)) ms, bpftool \(ms(.bpftool.wall)) ms, ratio \(r(.ebpfctl.wall; .bpftool.wall))\n" +
      "   cpu:  ebpfctl \(ms(.ebpfctl.cpu)) ms, bpftool \(ms(.bpftool.cpu)) ms, ratio \(r(.ebpfctl.cpu; .bpftool.cpu))" +
      " (kernel batch lookup alone: \(ms(.kernel.cpu)) ms cpu, \(r(.kernel.cpu; .bpftool.cpu)) of bpftool)" +
      (if .baseline then "\n   baseline (earlier build): wall \(ms(.baseline.wall)) ms (\(r(.baseline.wall; .bpftool.wall)) of bpftool)," +
        " cpu \(ms(.baseline.cpu)) ms (\(r(.baseline.cpu; .bpftool.cpu)))" else "" end)' "$work/h.json"
  for tool in ebpfctl bpftool; do
    if [ "$tool" = ebpfctl ]; then cmd=("$BIN" -j map dump pinned "$map"); else cmd=(bpftool -j map dump pinned "$map"); fi
    calls=$(strace -f -c -e trace=bpf,write -o "$work/strace.txt" "${cmd[@]}" >/dev/null; awk '$NF=="bpf"{b=$4} $NF=="write"{w=$4} END{printf "bpf %d, write %d", b, w}' "$work/strace.txt")
    echo "   $tool syscalls: $calls"
    # Peak RSS of the dump (ru_maxrss of the child, KiB): a streaming dump keeps it independent of the map's size.
    rss=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "${cmd[@]}")
    echo "   $tool peak RSS: $((rss / 1024)) MiB"
    if [ "${CALLGRIND:-0}" = 1 ] && [ "$n" -le 100000 ]; then
      valgrind --tool=callgrind --callgrind-out-file=/dev/null "${cmd[@]}" 2>"$work/vg.txt" >/dev/null
      echo "   $tool user-space instructions: $(awk '/Collected/ {print $NF}' "$work/vg.txt")"
    fi
  done
done
