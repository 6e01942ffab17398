#!/usr/bin/env bash
# Regenerate src/compat/tables.rs: the feature tables `compat check` embeds for kernels it cannot ask (which helpers
# and kfuncs each program type or kind may call, which program kinds and map types load, whether kallsyms lists
# data symbols), from `ebpfctl feature probe kernel --extended -j` on each kernel of the qemu matrix (both
# architectures) and on this machine's kernel.
#
#   scripts/gen-compat-tables.sh BINARY
#
# Reads target/kernel-matrix/<kernel>.features_ext.json (left by scripts/kernel-matrix.sh, which runs that probe in
# every guest) with the kernel's BTF from the matrix cache (scripts/kernel-btf.sh), and probes the running kernel
# with BINARY (run as root). Needs jq and bpftool (enum sizes of each BTF). Exit 0 written, 2 missing inputs.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}
MATRIX=${EBPFCTL_MATRIX_OUT:-$REPO/target/kernel-matrix}
OUT_RS=$REPO/src/compat/tables.rs
BINARY=${1:?usage: $0 BINARY}

die() { echo "gen-compat-tables: $*" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# (features json, BTF) per kernel: the matrix kernels, then this one.
inputs=()
# The arm64 guests' tables (kernel-matrix.sh with the aarch64 binary) follow the x86 ones: an unknown kernel is
# matched to the nearest table of its own architecture first.
for k in 5.10 6.1 6.12 arm64-5.10 arm64-6.1 arm64-6.12; do
  [[ -s $MATRIX/$k.features_ext.json ]] || die "no $MATRIX/$k.features_ext.json: run scripts/kernel-matrix.sh first"
  "$REPO/scripts/kernel-btf.sh" "$k" >/dev/null || die "cannot extract the BTF of $k"
  inputs+=("$MATRIX/$k.features_ext.json:$CACHE/$k/vmlinux.btf")
done
"$BINARY" -j feature probe kernel --extended >"$TMP/live.json" || die "feature probe on this kernel failed"
inputs+=("$TMP/live.json:/sys/kernel/btf/vmlinux")

# Helper ids: the index in src/elf/helpers.rs (generated from libbpf's bpf_helper_defs.h).
awk -F'"' '/^ *"[a-z0-9_]+",$/ { printf "%s\t%d\n", $2, n++ }' "$REPO/src/elf/helpers.rs" |
  jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] | tonumber)}) | add' >"$TMP/helpers.json"

# Every kfunc any kernel lets some program type call, sorted: the index space of the kfunc bitmaps.
for input in "${inputs[@]}"; do
  jq '[.kfuncs.available // {} | .[] | .[]]' "${input%%:*}"
done | jq -s 'add | unique' >"$TMP/kfuncs.json"

# Values of the bpf enums in a BTF, as compat::kernel::enum_counts counts them.
enum_counts() {
  bpftool btf dump file "$1" format raw | awk '
    /^\[[0-9]+\] ENUM(64)? / {
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^vlen=/) { split($i, v, "="); vlen = v[2] }
      }
      name = $3; gsub("\x27", "", name)
      if (!(name in seen)) { seen[name] = vlen }
    }
    END {
      printf "[%d, %d, %d, %d, %d]", seen["bpf_prog_type"], seen["bpf_map_type"], seen["bpf_attach_type"],
        seen["bpf_link_type"], seen["bpf_func_id"]
    }'
}

# One KernelTable literal from a features json ($1), its enum counts ($2).
table() {
  jq -r --slurpfile helpers "$TMP/helpers.json" --slurpfile kfuncs "$TMP/kfuncs.json" --arg enums "$2" '
    def pairs(obj; prefix; suffix):
      obj | to_entries | map(select(.value != null))
      | map("(\"" + (.key | ltrimstr(prefix) | rtrimstr(suffix)) + "\", \(.value))") | join(", ");
    # A bitmap of `bits` (indexes) in `words` 32-bit words (jq numbers are doubles), as hex literals.
    def bitmap(bits; words):
      [range(0; words) as $w | [bits[] | select(. >= $w * 32 and . < ($w + 1) * 32) | . - $w * 32] | unique
        | reduce .[] as $b (0; . + pow(2; $b))]
      | map("0x" + ([. as $n | range(7; -1; -1) as $i | ($n / pow(16; $i) | floor) % 16
        | "0123456789abcdef"[.:. + 1]] | join(""))) | join(", ");
    ($kfuncs[0] | length) as $nk | (($nk + 31) / 32 | floor) as $kw
    | ($kfuncs[0] | to_entries | map({(.value): .key}) | add // {}) as $kidx
    | "    KernelTable {",
      "        release: \"\(.kernel.release)\",",
      "        arch: \"\(.kernel.arch)\",",
      "        btf_sha256: \"\(.kernel.btf_sha256)\",",
      "        enums: \($enums),",
      "        prog_types: &[\(pairs(.program_types; "have_"; "_prog_type"))],",
      "        map_types: &[\(pairs(.map_types; "have_"; "_map_type"))],",
      "        kinds: &[\(pairs(.program_kinds // {}; ""; ""))],",
      "        links: &[\(pairs(.link_types | {kprobe_multi, uprobe_multi}; ""; ""))],",
      "        helpers: &[",
      # Kinds first; program types whose helpers were not probed (listed in errors) are left out.
      (. as $f | (.kind_helpers // {} | to_entries)
        + (.helpers | to_entries
          | map(select(($f.errors // {}) | has("helpers." + .key) | not))
          | map({key: (.key | rtrimstr("_available_helpers")), value}))
        | .[] | "            (\"\(.key)\", [\(bitmap([.value[] | $helpers[0][.] // empty]; 8))]),"),
      "        ],",
      "        kfunc_declared: &[\(bitmap([.kfuncs.declared // [] | .[] | $kidx[.] // empty]; $kw))],",
      "        kfuncs: &[",
      (.kfuncs.available // {} | to_entries | .[]
        | "            (\"\(.key)\", &[\(bitmap([.value[] | $kidx[.]]; $kw))]),"),
      "        ],",
      "        kallsyms_data: \(if .kernel.kallsyms_data == null then "None" else "Some(\(.kernel.kallsyms_data))" end),",
      "        version_code: \(if .kernel.version_code == null then "None" else "Some(\(.kernel.version_code))" end),",
      "    },"' "$1"
}

{
  echo "//! Generated by scripts/gen-compat-tables.sh from \`feature probe kernel --extended -j\` on each kernel of the"
  echo "//! qemu matrix and on the build VM's kernel. Do not edit; run the script after a matrix run."
  echo
  echo "use super::table::KernelTable;"
  echo
  echo "pub static KFUNC_NAMES: &[&str] = &["
  jq -r '.[] | "    \"\(.)\","' "$TMP/kfuncs.json"
  echo "];"
  echo
  echo "pub static TABLES: &[KernelTable] = &["
  for input in "${inputs[@]}"; do
    table "${input%%:*}" "$(enum_counts "${input#*:}")"
  done
  echo "];"
} >"$TMP/tables.rs"
mv "$TMP/tables.rs" "$OUT_RS"
echo "gen-compat-tables: wrote $OUT_RS ($(wc -c <"$OUT_RS") bytes, ${#inputs[@]} kernels)"
