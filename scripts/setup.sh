#!/usr/bin/env bash
# Install what a fresh Debian bookworm machine lacks to build and test ebpfctl. Idempotent: a second run
# installs nothing and takes about a second.
#
# Both release binaries are built on every machine: the native one with musl-gcc, the other architecture's
# (x86_64 <-> aarch64) cross-built with clang-19 against Debian's multiarch musl (see scripts/musl-deps.sh). So the
# other architecture is added to dpkg (its packages can then be installed beside the native ones; every later
# `apt-get update` also fetches its package lists).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh

PKGS=(
  # BPF toolchain for bpf/*.bpf.c and tests/bpf/*.bpf.c
  clang-19 llvm-19
  # the static musl build (see scripts/build-static.sh): musl-gcc, argp/obstack from gnulib, elfutils' autotools
  musl-tools gnulib autoconf automake autopoint libtool m4 flex bison gawk pkg-config make gcc linux-libc-dev
  # the cross build for the other architecture: lld-19 links clang's configure probes; musl's and the kernel's
  # headers and musl's crt objects and libc come from the other architecture's multiarch packages, libgcc from the
  # cross gcc (scripts/musl-deps.sh builds a sysroot of them)
  lld-19 "musl-dev:$CROSS_DPKG_ARCH" "linux-libc-dev:$CROSS_DPKG_ARCH" "gcc-$CROSS_GNU_PKG"
  # checks of the binary, test oracles and tools the tests drive (never used by ebpfctl at run time)
  libelf-dev zlib1g-dev
  binutils file bpftool iproute2 strace util-linux procps
  # oracles of `prog dump jited` (objdump, also aarch64's for the A64 disassembler) and of `visual` (dot renders it)
  binutils-aarch64-linux-gnu graphviz
  # keys and certificates for the signing tests, and OpenSSL's CMS verification as their oracle
  openssl
  # sys/sdt.h for the USDT test target (tests/lifecycle_usdt.rs)
  systemtap-sdt-dev
  # g++: the generated C skeletons must also compile as C++ (tests/gen_skeleton.rs)
  g++
  # benchmarks (scripts/bench-*.sh): hyperfine times, python3 holds fds and computes ratios; valgrind's callgrind
  # lists the functions short commands run (scripts/gen-link-order.sh)
  hyperfine python3 valgrind
  # the qemu kernel matrix (scripts/kernel-matrix.sh), x86_64 and aarch64 guests
  qemu-system-x86 qemu-system-arm busybox-static cpio jq
  # the fleet recipes' test (scripts/test-fleet.sh): a venv for ansible-core and kubernetes-validate from PyPI
  python3-venv
  # kernel BTF fixtures (scripts/kernel-btf.sh): the Debian vmlinuz payloads are xz (5.10, 6.1) and zstd (6.12)
  xz-utils zstd
)
dpkg --print-foreign-architectures | grep -qx "$CROSS_DPKG_ARCH" || {
  echo "setup: dpkg --add-architecture $CROSS_DPKG_ARCH" >&2
  dpkg --add-architecture "$CROSS_DPKG_ARCH"
}
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

for t in "$NATIVE_TARGET" "$CROSS_TARGET"; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t"
done
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
