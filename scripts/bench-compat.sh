#!/bin/sh
# 1. compat check of 50 objects (copies of tests/bpf/inspect_core.bpf.c, 18 CO-RE relocations each) against one BTF.
#    bpftool has no equivalent verdict command, so this times ebpfctl alone (goal <= 2 s).
# 2. btf minimize vs bpftool gen min_core_btf on the same 50 objects and the same vmlinux, in one hyperfine run.
# Usage: scripts/bench-compat.sh [ebpfctl]
set -e
BIN=${1:-./target/release/ebpfctl}
OBJ=${OBJ:-target/tmp/bpf-fixtures/inspect_core.bpf.o}
VMLINUX=/sys/kernel/btf/vmlinux
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
for i in $(seq 1 50); do cp "$OBJ" "$DIR/o$i.o"; done
time "$BIN" -j compat check "$DIR"/*.o --btf "$VMLINUX" > /dev/null
hyperfine --warmup 2 --runs 20 -N \
  -n "ebpfctl btf minimize" "$BIN btf minimize --btf $VMLINUX -o $DIR/min.btf $(echo "$DIR"/*.o)" \
  -n "bpftool gen min_core_btf" "bpftool gen min_core_btf $VMLINUX $DIR/min-bpftool.btf $(echo "$DIR"/*.o)"
ls -l "$DIR"/min.btf "$DIR"/min-bpftool.btf | awk '{print $5, $9}'
