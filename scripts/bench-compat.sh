#!/bin/sh
# compat check of 50 objects (copies of tests/bpf/inspect_core.bpf.c, 13 CO-RE relocations each) against one BTF.
# bpftool has no equivalent verdict command, so this times ebpfctl alone. Usage: scripts/bench-compat.sh [ebpfctl]
set -e
BIN=${1:-./target/release/ebpfctl}
OBJ=${OBJ:-target/tmp/bpf-fixtures/inspect_core.bpf.o}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
for i in $(seq 1 50); do cp "$OBJ" "$DIR/o$i.o"; done
time "$BIN" -j compat check "$DIR"/*.o --btf /sys/kernel/btf/vmlinux > /dev/null
