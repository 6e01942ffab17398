#!/usr/bin/env bash
# BTF and inspector benchmarks, ebpfctl side by side with bpftool in one hyperfine run each:
#   1. `btf dump file /sys/kernel/btf/vmlinux format c > /dev/null`   (goal: ebpfctl <= 0.8x bpftool's time)
#   2. `inspect` of a ~1 MB BPF object vs `bpftool btf dump file` of it (bpftool has no object inspector;
#      dumping the object's BTF is the closest work it does)
# Usage: scripts/bench-btf.sh [EBPFCTL_BINARY]   (default: the static binary that ships; make static)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh

BIN=${1:-target/$NATIVE_TARGET/release/ebpfctl}
[[ -x $BIN ]] || { echo "bench-btf: no $BIN (make static)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
VMLINUX=/sys/kernel/btf/vmlinux

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A ~1 MB object: many programs, maps and CO-RE reads, with debug info as real builds have.
include=$(libbpf_include .)
{
  echo '#include "vmlinux.h"'
  echo '#include <bpf/bpf_helpers.h>'
  echo '#include <bpf/bpf_core_read.h>'
  echo 'char LICENSE[] SEC("license") = "GPL";'
  for i in $(seq 1 120); do
    echo "struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, u32); __type(value, u64); } m$i SEC(\".maps\");"
    echo "SEC(\"kprobe/f$i\") int p$i(void *ctx) { struct task_struct *t = (void *)bpf_get_current_task();"
    echo "  u32 k = BPF_CORE_READ(t, real_parent, tgid) + $i; u64 v = BPF_CORE_READ(t, start_time);"
    echo "  bpf_map_update_elem(&m$i, &k, &v, 0); return 0; }"
  done
} > "$work/big.bpf.c"
clang-19 -O2 -g -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$NATIVE_ARCH")" -Ibpf ${include:+-I"$include"} -c "$work/big.bpf.c" -o "$work/big.bpf.o"
size=$(stat -c %s "$work/big.bpf.o")
echo "object: $work/big.bpf.o ($size bytes)"

run() { hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$work/$1.json" "${@:2}" >&2; }
ratio() {
  python3 - "$work/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["mean"], r[1]["mean"]
am, bm = r[0]["median"], r[1]["median"]
print(f"  {r[0]['command']}: {a*1000:.1f} ms (median {am*1000:.1f})\n  {r[1]['command']}: {b*1000:.1f} ms (median {bm*1000:.1f})\n  ratio ebpfctl/bpftool: {a/b:.2f} (medians {am/bm:.2f}; the median is steadier on a shared machine)")
PY
}

run c "$BIN btf dump file $VMLINUX format c" "bpftool btf dump file $VMLINUX format c"
run raw "$BIN btf dump file $VMLINUX" "bpftool btf dump file $VMLINUX"
run obj "$BIN inspect $work/big.bpf.o" "bpftool btf dump file $work/big.bpf.o"
run objj "$BIN -j inspect $work/big.bpf.o" "bpftool -j btf dump file $work/big.bpf.o"

echo "vmlinux BTF as C (goal <= 0.80):"; ratio c
echo "vmlinux BTF raw text:"; ratio raw
echo "inspect ~1 MB object vs bpftool btf dump of it:"; ratio obj
echo "inspect -j ~1 MB object vs bpftool -j btf dump of it:"; ratio objj
