#!/usr/bin/env bash
# Install what a fresh Debian bookworm machine lacks to build and test ebpfctl. Idempotent: a second run
# installs nothing and takes about a second.
set -euo pipefail

PKGS=(
  # BPF toolchain for bpf/*.bpf.c and tests/bpf/*.bpf.c
  clang-19 llvm-19
  # the static musl build (see scripts/build-static.sh): musl-gcc, argp/obstack from gnulib, elfutils' autotools
  musl-tools gnulib autoconf automake autopoint libtool m4 flex bison gawk pkg-config make gcc linux-libc-dev
  # checks of the binary, test oracles and tools the tests drive (never used by ebpfctl at run time)
  libelf-dev zlib1g-dev
  binutils file bpftool iproute2 strace util-linux procps
  # keys and certificates for the signing tests, and OpenSSL's CMS verification as their oracle
  openssl
  # sys/sdt.h for the USDT test target (tests/lifecycle_usdt.rs)
  systemtap-sdt-dev
  # benchmarks (scripts/bench-*.sh): hyperfine times, python3 holds fds and computes ratios
  hyperfine python3
  # the qemu kernel matrix (scripts/kernel-matrix.sh)
  qemu-system-x86 busybox-static cpio jq
  # kernel BTF fixtures (scripts/kernel-btf.sh): the Debian vmlinuz payloads are xz (5.10, 6.1) and zstd (6.12)
  xz-utils zstd
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

rustup target list --installed | grep -qx x86_64-unknown-linux-musl || rustup target add x86_64-unknown-linux-musl
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
