#!/usr/bin/env bash
# Build the fully static x86_64-unknown-linux-musl release binary and prove it is static.
# Usage: scripts/build-static.sh   (after scripts/setup.sh; `make static` runs both)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-unknown-linux-musl

./scripts/musl-deps.sh
# CC_/CFLAGS_ for the musl target come from .cargo/config.toml.
cargo build --release --locked --target "$TARGET"

bin="${CARGO_TARGET_DIR:-target}/$TARGET/release/ebpfctl"
# Stripped here rather than by the cargo profile, which the test binaries share (see Cargo.toml). cargo keeps a
# newer output as fresh, so later test builds do not relink it.
strip --strip-all "$bin"
if readelf -lW "$bin" | grep -q INTERP || readelf -dW "$bin" | grep -q NEEDED; then
  echo "build-static: $bin is not static:" >&2
  readelf -lW "$bin" | grep INTERP >&2 || true
  readelf -dW "$bin" | grep NEEDED >&2 || true
  exit 1
fi
echo "build-static: $bin is fully static ($(stat -c %s "$bin") bytes): $(file -b "$bin" | cut -d, -f1-2)"
