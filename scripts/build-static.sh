#!/usr/bin/env bash
# Build the fully static release binaries and prove they are static.
#
#   scripts/build-static.sh [TARGET...]    (after scripts/setup.sh; `make static` runs both)
#
# TARGET: x86_64-unknown-linux-musl, aarch64-unknown-linux-musl; default both, the machine's own first. The other
# architecture's binary is cross-built (scripts/musl-deps.sh prepares its C compiler). Results:
#   target/x86_64-unknown-linux-musl/release/ebpfctl     static-pie
#   target/aarch64-unknown-linux-musl/release/ebpfctl    static (ET_EXEC: Rust's aarch64 musl target is not PIE by
#                                                        default), LOAD segments 64 KiB aligned
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/arch.sh
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# The cross build has a CARGO_HOME and a target directory of its own, both under target/cross/ (so a second run finds
# everything built, and `cargo clean` resets it):
# - CARGO_HOME: libbpf-sys builds its vendored zlib and elfutils inside its source directory under
#   $CARGO_HOME/registry/src; a cross build that stops half-way would leave the other architecture's objects and
#   configure state there for the next native build. Seeded once with the crates the native build downloaded.
# - target directory: cargo's fingerprints hold the path of each crate's source, which now differs between the two
#   builds, so host artifacts (build scripts, proc macros) shared in one target/release/ would be rebuilt by each
#   build in turn. The binary is copied to target/<target>/release/ebpfctl, where the native one is too.
CROSS_DIR=$TARGET_DIR/cross
cross_cargo_home() {
  local home=$CROSS_DIR/cargo-home src=${CARGO_HOME:-$HOME/.cargo}
  if [[ ! -d $home/registry ]]; then
    mkdir -p "$home/registry.new"
    for d in cache index; do
      [[ -d $src/registry/$d ]] && cp -a "$src/registry/$d" "$home/registry.new/"
    done
    mv "$home/registry.new" "$home/registry"
  fi
  realpath "$home"
}

# Fails unless $1 has no program interpreter and no shared-library dependency; the aarch64 binary's LOAD segments
# must also be aligned for 64 KiB pages.
prove_static() {
  local bin=$1 arch=$2
  if readelf -lW "$bin" | grep -q INTERP || readelf -dW "$bin" | grep -q NEEDED; then
    echo "build-static: $bin is not static:" >&2
    readelf -lW "$bin" | grep INTERP >&2 || true
    readelf -dW "$bin" | grep NEEDED >&2 || true
    return 1
  fi
  local align
  if [[ $arch == aarch64 ]]; then
    for align in $(readelf -lW "$bin" | awk '$1 == "LOAD" { print $NF }'); do
      ((align >= 0x10000)) && continue
      echo "build-static: $bin has LOAD segments aligned below 64 KiB:" >&2
      readelf -lW "$bin" | grep LOAD >&2
      return 1
    done
  fi
}

# Stripped here rather than by the cargo profile, which the test binaries share (see Cargo.toml); llvm-strip
# handles both architectures (binutils' strip only its own). cargo keeps a newer output as fresh, so later test
# builds do not relink it.
strip_static() {
  llvm-strip-19 --strip-all "$1"
  prove_static "$1" "$2"
}

build() {
  local target=$1 arch=${1%%-*} bin
  ./scripts/musl-deps.sh "$arch"
  # CC_/CFLAGS_ for the musl targets and the aarch64 linker come from .cargo/config.toml.
  bin=$TARGET_DIR/$target/release/ebpfctl
  if [[ $arch == "$NATIVE_ARCH" ]]; then
    cargo build --release --locked --target "$target"
    strip_static "$bin" "$arch"
  else
    CARGO_HOME=$(cross_cargo_home) CARGO_TARGET_DIR=$CROSS_DIR/build \
      cargo build --release --locked --target "$target"
    strip_static "$CROSS_DIR/build/$target/release/ebpfctl" "$arch"
    mkdir -p "$(dirname "$bin")"
    cp -p "$CROSS_DIR/build/$target/release/ebpfctl" "$bin"
  fi
  echo "build-static: $bin is fully static ($(stat -c %s "$bin") bytes): $(file -b "$bin" | cut -d, -f1-2)"
}

targets=("$@")
((${#targets[@]})) || targets=("$NATIVE_TARGET" "$CROSS_TARGET")
for t in "${targets[@]}"; do
  [[ $t == "$NATIVE_TARGET" || $t == "$CROSS_TARGET" ]] ||
    { echo "build-static: unknown target $t (want $NATIVE_TARGET or $CROSS_TARGET)" >&2; exit 2; }
  build "$t"
done
