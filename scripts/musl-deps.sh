#!/usr/bin/env bash
# Prepare the C compiler for libbpf-sys' vendored build (libbpf + elfutils' libelf + zlib) for one architecture,
# once per machine.
#
#   scripts/musl-deps.sh ARCH      ARCH: x86_64 or aarch64 (the machine's own or the other one)
#
# Output: ${MUSL_BPF_DEPS_PREFIX:-/opt/musl-bpf-deps}-ARCH/ with
#   bin/musl-cc    the C compiler for ARCH-linux-musl, handed to cc (and so to zlib's and elfutils' ./configure and
#                  libbpf's make) by .cargo/config.toml as CC_<target>; a wrapper, because libbpf-sys passes
#                  configure only the compiler's path, no flags
#   lib/, include/ argp and obstack (CFLAGS_<target> in .cargo/config.toml)
#
# The machine's own architecture: musl-gcc (musl-tools), with the kernel UAPI headers (linux/, asm/, asm-generic/)
# linked into kernel-include/ and searched after musl's, since musl-gcc runs with -nostdinc.
# The other architecture: clang-19 --target=ARCH-linux-musl with a sysroot of symlinks to Debian's multiarch packages
# (musl-dev:ARCH for musl's headers, crt objects and libc; linux-libc-dev:ARCH for the UAPI headers) and, as the
# "GCC installation" clang's driver looks for, crtbegin/crtend/libgcc of the cross gcc (gcc-ARCH-linux-gnu).
#
# argp and obstack: elfutils' ./configure insists on argp_parse, fts_close and _obstack_free and its lib/color.c
# includes <argp.h>. glibc has all three built in; musl lacks argp and obstack (Debian's musl has fts). Both are built
# from Debian's gnulib package with the compiler above. Only configure and elfutils' libeu.a use them; nothing of
# them reaches ebpfctl (libelf.a does not call them).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh
ARCH=${1:?usage: scripts/musl-deps.sh x86_64|aarch64}
dpkg_arch "$ARCH" >/dev/null
DEPS=${MUSL_BPF_DEPS_PREFIX:-/opt/musl-bpf-deps}-$ARCH
# Bumped when what this script produces changes, so machines set up by an older version are redone.
RECIPE="musl-deps 2 $ARCH native=$NATIVE_ARCH"
[[ $(cat "$DEPS/.done" 2>/dev/null) == "$RECIPE" ]] && exit 0

# Several worktrees of one machine may build at once. The directory is made anew, .done written last.
mkdir -p "$(dirname "$DEPS")"
exec 8>"$DEPS.lock"
flock 8
[[ $(cat "$DEPS/.done" 2>/dev/null) == "$RECIPE" ]] && exit 0
rm -rf "$DEPS"
mkdir -p "$DEPS/bin" "$DEPS/lib" "$DEPS/include/gnulib"

if [[ $ARCH == "$NATIVE_ARCH" ]]; then
  mkdir -p "$DEPS/kernel-include"
  ln -s /usr/include/linux /usr/include/asm-generic "$DEPS/kernel-include/"
  ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$DEPS/kernel-include/asm"
  printf '#!/bin/sh\nexec musl-gcc -idirafter %s/kernel-include "$@"\n' "$DEPS" >"$DEPS/bin/musl-cc"
else
  gcc_dir=$(dirname "$("$ARCH-linux-gnu-gcc" -print-libgcc-file-name)") # /usr/lib/gcc-cross/ARCH-linux-gnu/12
  root=$DEPS/sysroot
  mkdir -p "$root/usr/include" "$root/usr/lib/gcc/$ARCH-linux-musl/$(basename "$gcc_dir")"
  # usr/include: musl's headers and the kernel UAPI (linux/, asm-generic/ shared; asm/ from linux-libc-dev:ARCH).
  ln -s "/usr/include/$ARCH-linux-musl"/* /usr/include/linux /usr/include/asm-generic "$root/usr/include/"
  ln -s "/usr/include/$ARCH-linux-gnu/asm" "$root/usr/include/asm"
  ln -s "/usr/lib/$ARCH-linux-musl"/* "$root/usr/lib/"
  for f in crtbegin.o crtbeginS.o crtbeginT.o crtend.o crtendS.o libgcc.a libgcc_eh.a; do
    ln -s "$gcc_dir/$f" "$root/usr/lib/gcc/$ARCH-linux-musl/$(basename "$gcc_dir")/"
  done
  # -static-libgcc: musl has no libgcc_s. -mno-outline-atomics (aarch64): libgcc's outline atomics call
  # __getauxval, which musl's libc.so does not export, so configure's dynamically linked probes would fail.
  # -Qunused-arguments: elfutils compiles with -Werror, and the link flags are unused when compiling.
  extra=""
  [[ $ARCH == aarch64 ]] && extra=" -mno-outline-atomics"
  printf '#!/bin/sh\nexec clang-19 --target=%s-linux-musl --sysroot=%s/sysroot -fuse-ld=lld -static-libgcc%s -Qunused-arguments "$@"\n' \
    "$ARCH" "$DEPS" "$extra" >"$DEPS/bin/musl-cc"
fi
chmod +x "$DEPS/bin/musl-cc"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gnulib-tool --create-testdir --dir="$work/gl" --without-tests --lib=libgnu argp obstack >/dev/null 2>&1
mkdir -p "$work/gl/build"
(
  cd "$work/gl/build"
  ../configure -q CC="$DEPS/bin/musl-cc" CFLAGS="-O2 -fPIC" --host="$ARCH-linux-musl" \
    --build="$NATIVE_ARCH-linux-gnu" 2>/dev/null
  make -s -j"$(nproc)" >/dev/null
)
# configure links with -largp and then -lobstack; the one gnulib archive answers to both names.
cp "$work/gl/build/gllib/libgnu.a" "$DEPS/lib/libargp.a"
cp "$work/gl/build/gllib/libgnu.a" "$DEPS/lib/libobstack.a"
cp "$work/gl/gllib/argp.h" "$work/gl/gllib/obstack.h" "$DEPS/include/gnulib/"
# gnulib's headers expect the config.h of a gnulib project; these are the only macros they use.
cat >"$DEPS/include/gnulib/gl-compat.h" <<'H'
#pragma once
#ifndef _GL_ATTRIBUTE_FORMAT
# define _GL_ATTRIBUTE_FORMAT(spec) __attribute__ ((__format__ spec))
#endif
#ifndef _GL_ATTRIBUTE_SPEC_PRINTF_STANDARD
# define _GL_ATTRIBUTE_SPEC_PRINTF_STANDARD __printf__
# define _GL_ATTRIBUTE_SPEC_PRINTF_SYSTEM __printf__
#endif
#ifndef _GL_ATTRIBUTE_PURE
# define _GL_ATTRIBUTE_PURE __attribute__ ((__pure__))
#endif
#ifndef _GL_INLINE_HEADER_BEGIN
# define _GL_INLINE_HEADER_BEGIN
# define _GL_INLINE_HEADER_END
#endif
#ifndef _GL_INLINE
# define _GL_INLINE static inline __attribute__ ((__unused__))
#endif
H
for h in argp obstack; do
  printf '#pragma once\n#include "gnulib/gl-compat.h"\n#include "gnulib/%s.h"\n' "$h" >"$DEPS/include/$h.h"
done
echo "$RECIPE" >"$DEPS/.done"
