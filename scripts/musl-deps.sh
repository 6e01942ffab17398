#!/usr/bin/env bash
# Prepare what musl-gcc lacks for libbpf-sys' vendored build (libbpf + elfutils' libelf + zlib), once per machine.
#
# Why: libbpf-sys runs elfutils' ./configure, which insists on argp_parse, fts_close and _obstack_free and whose
# lib/color.c includes <argp.h>. glibc has all three built in; musl lacks argp and obstack (Debian's musl has fts).
# We build both from Debian's gnulib package with musl-gcc. Only configure and elfutils' libeu.a use them; nothing
# of them reaches ebpfctl (libelf.a does not call them). musl-gcc also runs with -nostdinc, so the kernel UAPI
# headers (linux/, asm/, asm-generic/) are linked into a directory that CFLAGS add with -idirafter, behind musl's.
#
# Output: $MUSL_BPF_DEPS (default /opt/musl-bpf-deps) with lib/, include/ and kernel-include/; the paths are the ones
# .cargo/config.toml hands to cc through CC_/CFLAGS_x86_64_unknown_linux_musl.
set -euo pipefail
DEPS=${MUSL_BPF_DEPS:-/opt/musl-bpf-deps}
[ -f "$DEPS/.done" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gnulib-tool --create-testdir --dir="$work/gl" --without-tests --lib=libgnu argp obstack >/dev/null 2>&1
mkdir -p "$work/gl/build"
(
  cd "$work/gl/build"
  ../configure -q CC=musl-gcc CFLAGS="-O2 -fPIC" --host=x86_64-linux-musl --build=x86_64-linux-gnu 2>/dev/null
  make -s -j"$(nproc)" >/dev/null
)
rm -rf "$DEPS"
mkdir -p "$DEPS/lib" "$DEPS/include/gnulib" "$DEPS/kernel-include"
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
ln -sfn /usr/include/linux "$DEPS/kernel-include/linux"
ln -sfn /usr/include/asm-generic "$DEPS/kernel-include/asm-generic"
ln -sfn "/usr/include/$(gcc -print-multiarch)/asm" "$DEPS/kernel-include/asm"
touch "$DEPS/.done"
