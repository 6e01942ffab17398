#!/usr/bin/env bash
# Extract the vmlinux BTF of the cached qemu-matrix kernels, for `compat check --btf` fixtures.
#
#   scripts/kernel-btf.sh [KERNEL...]      KERNEL: 5.10 6.1 6.12 (default: every kernel cached)
#
# Reads ${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}/<kernel>/vmlinuz (fetched by scripts/kernel-matrix.sh)
# and writes <kernel>/vmlinux.btf next to it: the .BTF section of the decompressed kernel image, which is exactly the
# blob that kernel serves as /sys/kernel/btf/vmlinux (the section is linked between __start_BTF and __stop_BTF, and
# /sys/kernel/btf/vmlinux reads that range). kernel-matrix.sh proves the equality on each boot (the VM's own
# `feature probe` BTF sha256 must equal this file's). Reused while newer than vmlinuz; nothing goes into git.
#
# Exit status: 0 every requested BTF present, 1 some kernel could not be extracted, 2 usage or missing tools.
set -euo pipefail

CACHE=${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}

log() { printf 'kernel-btf: %s\n' "$*" >&2; }

# The compressed payload of a bzImage starts at one of these magics; the first offset that decompresses to an ELF
# wins (what the kernel's scripts/extract-vmlinux does). Decompressors complain about the trailing bytes after the
# stream; their output is still whole, and readelf decides.
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

# Decompress vmlinuz $1 to the ELF vmlinux $2.
extract_vmlinux() {
  local img=$1 out=$2 entry fmt magic off
  for entry in "${MAGICS[@]}"; do
    fmt=${entry%%:*}
    magic=${entry#*:}
    for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
      tail -c "+$((off + 1))" "$img" | decompress "$fmt" >"$out" 2>/dev/null || true
      if readelf -h "$out" >/dev/null 2>&1; then
        return 0
      fi
    done
  done
  return 1
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
  if ! extract_vmlinux "$dir/vmlinuz" "$tmp/vmlinux"; then
    log "$k: no compressed ELF kernel found in $dir/vmlinuz"
    rm -rf "$tmp"
    return 1
  fi
  if ! objcopy -O binary --only-section=.BTF "$tmp/vmlinux" "$tmp/vmlinux.btf" || [[ ! -s $tmp/vmlinux.btf ]]; then
    log "$k: the kernel image has no .BTF section"
    rm -rf "$tmp"
    return 1
  fi
  # Raw BTF starts with the magic 0xeb9f (little endian here).
  if [[ $(head -c 2 "$tmp/vmlinux.btf" | od -An -tx1 | tr -d ' ') != 9feb ]]; then
    log "$k: the .BTF section does not start with the BTF magic"
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
  for tool in readelf objcopy grep xz zstd gzip od; do
    command -v "$tool" >/dev/null || { log "error: $tool not found (run scripts/setup.sh)"; exit 2; }
  done
  local kernels=("$@") k d failed=0
  if ((${#kernels[@]} == 0)); then
    for d in "$CACHE"/*/vmlinuz; do
      [[ -e $d ]] && kernels+=("$(basename "$(dirname "$d")")")
    done
  fi
  for k in "${kernels[@]}"; do
    [[ $k =~ ^[0-9]+\.[0-9]+$ ]] || { log "error: bad kernel name $k"; exit 2; }
    kernel_btf "$k" || failed=1
  done
  exit "$failed"
}

main "$@"
