#!/usr/bin/env bash
# Extract the vmlinux BTF of the cached qemu-matrix kernels, for `compat check --btf` fixtures.
#
#   scripts/kernel-btf.sh [KERNEL...]      KERNEL: 5.10 6.1 6.12, arm64-5.10 ... (default: every kernel cached)
#
# Reads ${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}/<kernel>/vmlinuz (fetched by scripts/kernel-matrix.sh)
# and writes <kernel>/vmlinux.btf next to it: the .BTF section of the kernel image (decompressed first where it is
# compressed), which is exactly the blob that kernel serves as /sys/kernel/btf/vmlinux (the section is linked between
# __start_BTF and __stop_BTF, and /sys/kernel/btf/vmlinux reads that range). kernel-matrix.sh proves the equality on each boot (the VM's own
# `feature probe` BTF sha256 must equal this file's). Reused while newer than vmlinuz; nothing goes into git.
#
# Exit status: 0 every requested BTF present, 1 some kernel could not be extracted, 2 usage or missing tools.
set -euo pipefail

CACHE=${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}

log() { printf 'kernel-btf: %s\n' "$*" >&2; }

# The BTF blob of a kernel image is found by its header: magic 0xeb9f, version 1, flags 0, hdr_len 24 (little endian
# here), then type_off, type_len, str_off, str_len. pahole lays out the types at 0 and the strings right after them,
# so a real header says type_off == 0 and str_off == type_len, and its blob (24 + str_off + str_len bytes) lies
# inside the file. The largest such blob is vmlinux's (an image may also hold small ones, e.g. the BTF of an
# embedded BPF object); it is at least a megabyte. Prints "OFFSET SIZE", or fails.
find_btf() {
  local file=$1 size off magic version hdr_len type_off type_len str_off str_len total best_off=0 best_size=0
  size=$(stat -c %s "$file")
  for off in $(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$file" | cut -d: -f1); do
    read -r magic hdr_len type_off type_len str_off str_len < <(od -An -w24 -tu4 -j "$off" -N 24 "$file")
    : "$magic" "$hdr_len"
    ((type_off == 0 && str_off == type_len)) || continue
    total=$((24 + str_off + str_len))
    ((off + total <= size && total > best_size)) || continue
    best_off=$off best_size=$total
  done
  ((best_size >= 1048576)) || return 1
  echo "$best_off $best_size"
}

# A raw kernel image holds .BTF as it is loaded: arm64's Image (Debian's arm64 vmlinuz is not compressed). A bzImage
# (x86) or a compressed Image holds it inside a compressed payload starting at one of these magics; each offset is
# tried until one decompresses to something with BTF in it (what the kernel's scripts/extract-vmlinux does for the
# ELF). Decompressors complain about the trailing bytes after the stream; their output is still whole.
MAGICS=(
  'xz:\xfd\x37\x7a\x58\x5a\x00'
  'zstd:\x28\xb5\x2f\xfd'
  'gzip:\x1f\x8b\x08'
  'lz4:\x02\x21\x4c\x18'
)

decompress() { # $1: format; stdin compressed, stdout raw
  case $1 in
    xz) xz -dc ;;
    zstd) zstd -dcq ;;
    gzip) gzip -dc ;;
    lz4) lz4 -dcq ;;
  esac
}

# Write the vmlinux BTF of the kernel image $1 to $2, using the directory $3 for the decompressed kernel.
extract_btf() {
  local img=$1 out=$2 tmp=$3 entry fmt off found="" raw=$1
  if ! found=$(find_btf "$img"); then
    raw=$tmp/vmlinux
    for entry in "${MAGICS[@]}"; do
      for off in $(LC_ALL=C grep -obUaP "${entry#*:}" "$img" | cut -d: -f1); do
        tail -c "+$((off + 1))" "$img" | decompress "${entry%%:*}" >"$raw" 2>/dev/null || true
        found=$(find_btf "$raw") && break 2
      done
    done
  fi
  [[ -n $found ]] || return 1
  dd if="$raw" of="$out" bs=64K iflag=skip_bytes,count_bytes skip="${found% *}" count="${found#* }" status=none
}

# Make $CACHE/$1/vmlinux.btf exist. Returns non-zero (after saying why) when it cannot.
kernel_btf() {
  local k=$1 dir=$CACHE/$1 tmp
  [[ -s $dir/vmlinuz ]] || {
    log "$k: $dir/vmlinuz is not cached (scripts/kernel-matrix.sh fetches it)"
    return 1
  }
  if [[ -s $dir/vmlinux.btf && $dir/vmlinux.btf -nt $dir/vmlinuz ]]; then
    return 0
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kernel-btf.XXXXXX")
  if ! extract_btf "$dir/vmlinuz" "$tmp/vmlinux.btf" "$tmp"; then
    log "$k: no vmlinux BTF found in $dir/vmlinuz (raw, or in a compressed payload)"
    rm -rf "$tmp"
    return 1
  fi
  chmod 0644 "$tmp/vmlinux.btf"
  mv "$tmp/vmlinux.btf" "$dir/vmlinux.btf"
  rm -rf "$tmp"
  log "$k: wrote $dir/vmlinux.btf ($(stat -c %s "$dir/vmlinux.btf") bytes)"
}

main() {
  local tool
  for tool in grep xz zstd gzip od dd stat; do
    command -v "$tool" >/dev/null || { log "error: $tool not found (run scripts/setup.sh)"; exit 2; }
  done
  local kernels=("$@") k d failed=0
  if ((${#kernels[@]} == 0)); then
    for d in "$CACHE"/*/vmlinuz; do
      [[ -e $d ]] && kernels+=("$(basename "$(dirname "$d")")")
    done
  fi
  for k in "${kernels[@]}"; do
    [[ $k =~ ^([a-z0-9]+-)?[0-9]+\.[0-9]+$ ]] || { log "error: bad kernel name $k"; exit 2; }
    kernel_btf "$k" || failed=1
  done
  exit "$failed"
}

main "$@"
