#!/usr/bin/env bash
# Lifecycle commands, ebpfctl against bpftool in the same run, with hyperfine; prints each pair's mean times and
# the ratio bpftool/ebpfctl (above 1: ebpfctl is faster).
#
#   scripts/bench-lifecycle.sh [EBPFCTL_BINARY]     default: the static release build, else target/release/ebpfctl
#
# Needs root, bpftool, hyperfine, clang-19, iproute2. Creates (and removes) a network namespace with a veth pair,
# XDP and clsact programs, a test cgroup with a program, and a bpffs directory.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh

BIN=${1:-target/$NATIVE_TARGET/release/ebpfctl}
[[ -x $BIN ]] || BIN=target/release/ebpfctl
[[ -x $BIN ]] || { echo "bench: build ebpfctl first (make static or cargo build --release)" >&2; exit 2; }
for tool in bpftool hyperfine clang-19 ip jq awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/setup.sh)" >&2; exit 2; }
done

TAG=lcbench$$
WORK=$(mktemp -d)
PIN=/sys/fs/bpf/$TAG
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)/$TAG
cleanup() {
  ip netns del "$TAG" 2>/dev/null || true
  rm -rf "$PIN" "${PIN}_load" "$WORK" 2>/dev/null || true
  rmdir "$CG" 2>/dev/null || true
}
trap cleanup EXIT

INC=$(libbpf_include .)
for f in progs globals; do
  clang-19 -O2 -g -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$NATIVE_ARCH")" -Ibpf -I"$INC" -c "tests/bpf/lifecycle_$f.bpf.c" -o "$WORK/$f.o"
done

"$BIN" prog loadall "$WORK/progs.o" "$PIN" >/dev/null
ip netns add "$TAG"
ip -n "$TAG" link add va type veth peer name vb
ip -n "$TAG" link set va up && ip -n "$TAG" link set vb up
NS=(nsenter "--net=/run/netns/$TAG")
"${NS[@]}" "$BIN" net attach xdpgeneric pinned "$PIN/lc_xdp" dev va >/dev/null
"${NS[@]}" "$BIN" prog attach pinned "$PIN/lc_tc" tc_ingress dev vb >/dev/null
mkdir -p "$CG"
"$BIN" cgroup attach "$CG" egress pinned "$PIN/lc_cg_egress" multi >/dev/null

results=()
bench() { # NAME EBPFCTL_CMD BPFTOOL_CMD [PREPARE]
  local name=$1 ours=$2 theirs=$3 prepare=${4:-true}
  hyperfine -N --warmup 3 --min-runs 20 --prepare "$prepare" --export-json "$WORK/$name.json" \
    -n ebpfctl "$ours" -n bpftool "$theirs" >/dev/null 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  local e b
  e=$(jq '.results[0].mean * 1000' "$WORK/$name.json")
  b=$(jq '.results[1].mean * 1000' "$WORK/$name.json")
  results+=("$(awk -v n="$name" -v e="$e" -v b="$b" \
    'BEGIN { printf "%-14s ebpfctl %8.2f ms   bpftool %8.2f ms   bpftool/ebpfctl %5.2fx", n, e, b, b / e }')")
}

bench "net show" "${NS[*]} $BIN -j net show" "${NS[*]} bpftool -j net show"
bench "cgroup tree" "$BIN -j cgroup tree" "bpftool -j cgroup tree"
bench "perf show" "$BIN -j perf show" "bpftool -j perf show"
# bpftool 7.1's libbpf predates tcx section names, so the load benchmark uses the globals fixture.
bench "prog loadall" "$BIN -j prog loadall $WORK/globals.o ${PIN}_load" "bpftool -j prog loadall $WORK/globals.o ${PIN}_load" \
  "rm -rf ${PIN}_load"

echo "ebpfctl: $BIN ($("$BIN" version -j | jq -r .version)), bpftool: $(bpftool version | head -1)"
printf '%s\n' "${results[@]}"
