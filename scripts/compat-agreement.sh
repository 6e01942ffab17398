#!/usr/bin/env bash
# The agreement table of docs/compat.md: for each tests/bpf/gt_*.bpf.c object and kernel, whether `prog loadall`
# loads it and whether `compat check` offline (--btf that kernel's BTF) and with --live said so.
#
#   scripts/compat-agreement.sh BINARY
#
# The qemu kernels' columns come from the last scripts/kernel-matrix.sh run (target/kernel-matrix/<k>.gt_agreement.tsv);
# the live column is measured here (compiles the corpus, runs compat check and `prog loadall` on this kernel; root).
# Prints Markdown on stdout. Cell: ✓ loads, ✗ refused; "off✗"/"live✗" mark a verdict that disagreed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MATRIX=${EBPFCTL_MATRIX_OUT:-$REPO/target/kernel-matrix}
BINARY=$(realpath "${1:?usage: $0 BINARY}")
KERNELS=(5.10 6.1 6.12)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; rm -rf /sys/fs/bpf/ebpfctl-agreement' EXIT

include=$(find "$REPO/target" -maxdepth 6 -type d -path '*/build/ebpfctl-*/out/include' | head -n 1)
[[ -n $include ]] || { echo "compat-agreement: build ebpfctl first" >&2; exit 2; }
names=()
for src in "$REPO"/tests/bpf/gt_*.bpf.c; do
  n=$(basename "$src" .bpf.c)
  [[ $n == gt_kconfig ]] && continue
  names+=("$n")
  clang-19 -O2 -g -Wall -target bpf -D__TARGET_ARCH_x86 -I"$REPO/bpf" -I"$REPO/tests/bpf" -I"$include" \
    -idirafter /usr/include/x86_64-linux-gnu -c "$src" -o "$TMP/$n.o"
done

# The live column, as the matrix writes its own: name, loads, offline, live.
verdicts() { jq -r '.results[] | "\(.object | split("/") | last | rtrimstr(".o")) \(.compatible)"'; }
"$BINARY" -j compat check "${names[@]/#/$TMP/}" --btf /sys/kernel/btf/vmlinux | verdicts >"$TMP/off" || true
"$BINARY" -j compat check "${names[@]/#/$TMP/}" --live | verdicts >"$TMP/live" || true
: >"$TMP/live.tsv"
for n in "${names[@]}"; do
  loads=false
  rm -rf /sys/fs/bpf/ebpfctl-agreement
  "$BINARY" prog loadall "$TMP/$n.o" /sys/fs/bpf/ebpfctl-agreement >/dev/null 2>&1 && loads=true
  printf '%s\t%s\t%s\t%s\n' "$n" "$loads" "$(awk -v n="$n" '$1 == n { print $2 }' "$TMP/off")" \
    "$(awk -v n="$n" '$1 == n { print $2 }' "$TMP/live")" >>"$TMP/live.tsv"
done

cell() { # loads offline live
  local c
  if [[ $1 == true ]]; then c="✓"; else c="✗"; fi
  [[ $2 == "$1" ]] || c+=" off✗"
  [[ $3 == "$1" ]] || c+=" live✗"
  printf '%s' "$c"
}

# What the object is: its header's first words ("Ground truth, a run-queue latency tool: ...").
what() {
  sed -n '1s|^// Ground truth[,:] *||p' "$REPO/tests/bpf/$1.bpf.c" | sed -E 's/[:;(].*//; s/\.$//' | cut -c1-70
}

tsvs=()
for k in "${KERNELS[@]}"; do
  [[ -s $MATRIX/$k.gt_agreement.tsv ]] || { echo "compat-agreement: no $MATRIX/$k.gt_agreement.tsv" >&2; exit 2; }
  tsvs+=("$MATRIX/$k.gt_agreement.tsv")
done
tsvs+=("$TMP/live.tsv")

echo "| object | what | 5.10 | 6.1 | 6.12 | $(uname -r | cut -d- -f1) (live) |"
echo "| --- | --- | --- | --- | --- | --- |"
for n in "${names[@]}"; do
  row="| \`$n\` | $(what "$n") |"
  for t in "${tsvs[@]}"; do
    read -r _ loads off live < <(awk -v n="$n" -F'\t' '$1 == n { print $1, $2, $3, $4 }' "$t")
    row+=" $(cell "${loads:-none}" "${off:-none}" "${live:-none}") |"
  done
  echo "$row"
done
row="| **agreement** | offline / --live |"
for t in "${tsvs[@]}"; do
  total=$(wc -l <"$t")
  off=$(awk -F'\t' '$2 == $3' "$t" | wc -l)
  live=$(awk -F'\t' '$2 == $4' "$t" | wc -l)
  row+=" $off/$total, $live/$total |"
done
echo "$row"
