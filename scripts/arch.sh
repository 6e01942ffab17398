# shellcheck shell=bash
# Names of the two architectures ebpfctl ships for, as each tool spells them; sourced by the build and test scripts.
# The native one is the machine's own (`uname -m`); the cross one is the other of x86_64 and aarch64.
#
#   NATIVE_TARGET / CROSS_TARGET       Rust targets (x86_64-unknown-linux-musl, aarch64-unknown-linux-musl)
#   CROSS_ARCH / CROSS_DPKG_ARCH       the other architecture: uname -m spelling, Debian spelling
#   CROSS_GNU_PKG                      Debian's name for its cross gcc (gcc-$CROSS_GNU_PKG: x86-64-linux-gnu, ...)
# and functions mapping one spelling to another.

# uname -m -> the kernel's (and libbpf's __TARGET_ARCH_*) name of the architecture.
bpf_target_arch() {
  case $1 in
    x86_64) echo x86 ;;
    aarch64) echo arm64 ;;
    *) echo "arch.sh: unsupported architecture $1" >&2; return 1 ;;
  esac
}
# uname -m -> Debian's architecture name.
dpkg_arch() {
  case $1 in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) echo "arch.sh: unsupported architecture $1" >&2; return 1 ;;
  esac
}
# The machine name (x86_64, aarch64) of an ELF file: what an ebpfctl binary was built for.
elf_arch() {
  case $(LC_ALL=C readelf -h "$1" 2>/dev/null | awk -F: '/Machine:/ { gsub(/^ +/, "", $2); print $2 }') in
    *X86-64*) echo x86_64 ;;
    *AArch64*) echo aarch64 ;;
    *) return 1 ;;
  esac
}

NATIVE_ARCH=$(uname -m)
case $NATIVE_ARCH in
  x86_64) CROSS_ARCH=aarch64 ;;
  aarch64) CROSS_ARCH=x86_64 ;;
  *) echo "arch.sh: ebpfctl builds on x86_64 and aarch64 hosts, not $NATIVE_ARCH" >&2; exit 2 ;;
esac
NATIVE_TARGET=$NATIVE_ARCH-unknown-linux-musl
CROSS_TARGET=$CROSS_ARCH-unknown-linux-musl
CROSS_DPKG_ARCH=$(dpkg_arch "$CROSS_ARCH")
CROSS_GNU_PKG=${CROSS_ARCH//_/-}-linux-gnu
# shellcheck disable=SC2034  # used by the scripts that source this file
NATIVE_DPKG_ARCH=$(dpkg_arch "$NATIVE_ARCH")
# libbpf's headers as any cargo build of this tree leaves them (glibc dev build or a musl target, either arch):
# what the benchmark and test scripts compile their BPF programs against. Prints nothing when there is no build.
libbpf_include() {
  find "${1:-.}/target" -maxdepth 6 -type d -path '*/build/ebpfctl-*/out/include' 2>/dev/null | head -n 1
}
