#!/usr/bin/env bash
# prog dump of a ~4,000-instruction program (pj_unrolled in tests/bpf/prog_jited.bpf.c), ebpfctl against bpftool in
# the same run, with hyperfine; prints each pair's mean times and the ratio ebpfctl/bpftool (below 1: ebpfctl is
# faster). bpftool 7.1 here is built without a disassembler (`prog dump jited`: "No libbfd support"), so `jited`
# is timed for ebpfctl alone, beside the listings both tools print: `xlated` and `xlated … visual`.
#
#   scripts/bench-jited.sh [EBPFCTL_BINARY]     default: the static release build, else target/release/ebpfctl
#
# Needs root, bpftool, hyperfine, clang-19, jq. Pins under a private bpffs directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/x86_64-unknown-linux-musl/release/ebpfctl}
[[ -x $BIN ]] || BIN=target/release/ebpfctl
[[ -x $BIN ]] || { echo "bench: build ebpfctl first (make static or cargo build --release)" >&2; exit 2; }
for tool in bpftool hyperfine clang-19 jq awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/setup.sh)" >&2; exit 2; }
done

WORK=$(mktemp -d)
PIN=/sys/fs/bpf/jitbench$$
trap 'rm -rf "$WORK" "$PIN"' EXIT

INC=$(find target -maxdepth 6 -type d -path '*/build/ebpfctl-*/out/include' 2>/dev/null | head -n 1)
[[ -n $INC ]] || { echo "bench: libbpf headers not found under target/: build ebpfctl first" >&2; exit 2; }
clang-19 -O2 -g -target bpf -D__TARGET_ARCH_x86 -Ibpf -I"$INC" -c tests/bpf/prog_jited.bpf.c -o "$WORK/pj.o"
"$BIN" prog loadall "$WORK/pj.o" "$PIN" >/dev/null
P=$PIN/pj_unrolled
insns=$(( $("$BIN" -j prog show pinned "$P" | jq .bytes_xlated) / 8 ))
machine=$("$BIN" -j prog dump jited pinned "$P" | jq '[.[].insns | length] | add')

results=()
run() { # NAME COMMAND...: hyperfine's mean in ms
  hyperfine -N --warmup 3 --min-runs 30 --export-json "$WORK/$1.json" "${@:2}" >/dev/null 2>"$WORK/$1.err" ||
    { cat "$WORK/$1.err" >&2; exit 1; }
}
mean() { jq ".results[$2].mean * 1000" "$WORK/$1.json"; }
bench() { # NAME EBPFCTL_CMD BPFTOOL_CMD
  run "$1" -n ebpfctl "$2" -n bpftool "$3"
  results+=("$(awk -v n="$1" -v e="$(mean "$1" 0)" -v b="$(mean "$1" 1)" \
    'BEGIN { printf "%-16s ebpfctl %7.2f ms   bpftool %7.2f ms   ebpfctl/bpftool %5.2f", n, e, b, e / b }')")
}

run jited -n ebpfctl "$BIN prog dump jited pinned $P"
results+=("$(awk -v e="$(mean jited 0)" 'BEGIN { printf "%-16s ebpfctl %7.2f ms   bpftool  (no disassembler in 7.1 here)", "jited", e }')")
run jited_json -n ebpfctl "$BIN -j prog dump jited pinned $P"
results+=("$(awk -v e="$(mean jited_json 0)" 'BEGIN { printf "%-16s ebpfctl %7.2f ms", "jited -j", e }')")
bench "xlated" "$BIN prog dump xlated pinned $P" "bpftool prog dump xlated pinned $P"
bench "xlated visual" "$BIN prog dump xlated pinned $P visual" "bpftool prog dump xlated pinned $P visual"

echo "ebpfctl: $BIN ($("$BIN" version -j | jq -r .version)), bpftool: $(bpftool version | head -1)"
echo "pj_unrolled: $insns xlated instructions, $machine machine instructions"
printf '%s\n' "${results[@]}"
