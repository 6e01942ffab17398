#!/usr/bin/env bash
# `compat check --btf-dir` at CI scale: 56 objects of the ground-truth corpus against 20 kernel BTFs (this kernel's
# and the qemu matrix's cached ones, repeated; a third of them .btf.xz, a quarter .btf.tar.xz), JUnit out.
#
# Usage: scripts/bench-compat-ci.sh [BINARY]   (after `make static`; the matrix's kernel BTFs are used when cached)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/target/x86_64-unknown-linux-musl/release/ebpfctl}
FIXTURES=$ROOT/target/x86_64-unknown-linux-musl/tmp/bpf-fixtures
mapfile -t OBJS < <(ls "$FIXTURES"/gt_*.bpf.o 2>/dev/null | head -n 56)
((${#OBJS[@]} == 56)) || { echo "bench-compat-ci: run the tests once first (they compile the corpus)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SOURCES=(/sys/kernel/btf/vmlinux)
for k in 5.10 6.1 6.12; do
  [[ -r /var/cache/ebpfctl/kernels/$k/vmlinux.btf ]] && SOURCES+=("/var/cache/ebpfctl/kernels/$k/vmlinux.btf")
done
for i in $(seq 0 19); do
  src=${SOURCES[i % ${#SOURCES[@]}]}
  mkdir -p "$WORK/btf/k$i"
  case $((i % 4)) in
    1) xz -T1 -c "$src" >"$WORK/btf/k$i/k$i.btf.xz" ;;
    2) cp "$src" "$WORK/k$i.btf" && tar -C "$WORK" -cJf "$WORK/btf/k$i/k$i.btf.tar.xz" "k$i.btf" ;;
    *) cp "$src" "$WORK/btf/k$i/k$i.btf" ;;
  esac
done
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user, %M KiB peak RSS" \
    "$BIN" compat check "${OBJS[@]}" --btf-dir "$WORK/btf" --format junit >"$WORK/report.xml" || [[ $? == 1 ]]
done
echo "bench-compat-ci: $(grep -c '<testcase' "$WORK/report.xml") testcases (56 objects x 20 kernels)"
