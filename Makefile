# ebpfctl — two commands do everything on a fresh Debian bookworm machine (as root):
#   make run    set-up, static builds, then `ebpfctl check` against the running kernel
#   make test   set-up, static builds, every test (live kernel, lint, completions, qemu kernel matrix, fleet recipes)
#
# Two static binaries are built, x86_64 and aarch64: the machine's own architecture natively (the tests run that
# one), the other one cross-built (booted in the qemu kernel matrix).

ARCH       := $(shell uname -m)
CROSS_ARCH := $(if $(filter aarch64,$(ARCH)),x86_64,aarch64)
TARGET     := $(ARCH)-unknown-linux-musl
BIN        := target/$(TARGET)/release/ebpfctl
CROSS_BIN  := target/$(CROSS_ARCH)-unknown-linux-musl/release/ebpfctl
CARGO_T    := --release --locked --target $(TARGET)

.PHONY: all setup static run test test-live lint dev-build test-kernels test-fleet completions bench clean

all: static

setup:
	./scripts/setup.sh

static: setup
	./scripts/build-static.sh

run: static
	$(BIN) check

# Tests are built for the musl target in release mode so they reuse the static build's compiled libbpf, libelf
# and zlib, and so they exercise the very binary that ships (CARGO_BIN_EXE_ebpfctl is the static one).
test: static lint dev-build test-live test-kernels test-fleet

test-live: static
	cargo test $(CARGO_T)

lint: setup
	cargo fmt --check
	# Layers, import cycles, file and function sizes (docs/ARCHITECTURE.md).
	python3 scripts/check-layers.py
	cargo clippy $(CARGO_T) --all-targets -- -D warnings
	# The fuzz targets compile src/btf and src/elf as plain modules; keep them building.
	cd fuzz && cargo check --locked --quiet

# The ordinary glibc build must keep working for developers (`cargo build`, `cargo test`).
dev-build: setup
	cargo build --locked

# Both architectures' kernels, each with its own binary, at the same time (each emulator takes one core); the logs
# are printed one after the other once both are done.
test-kernels: static
	mkdir -p target
	./scripts/kernel-matrix.sh $(BIN) > target/kernel-matrix-native.log 2>&1 & n=$$!; \
	./scripts/kernel-matrix.sh $(CROSS_BIN) > target/kernel-matrix-cross.log 2>&1 & c=$$!; \
	rc=0; wait $$n || rc=$$?; wait $$c || { r=$$?; [ $$r -gt $$rc ] && rc=$$r; }; \
	cat target/kernel-matrix-native.log target/kernel-matrix-cross.log; exit $$rc

# contrib/ansible and contrib/kubernetes run for real: the playbook against local hosts, the manifest validated and
# its pod started from it (README "Fleet and CI"). ansible-core comes from PyPI into a cached venv.
test-fleet: static
	./scripts/test-fleet.sh $(BIN)

# Regenerate the committed completions and man page after a change to src/cli.rs.
completions: static
	$(BIN) completions bash > completions/ebpfctl.bash
	$(BIN) completions zsh > completions/_ebpfctl
	$(BIN) completions fish > completions/ebpfctl.fish
	$(BIN) manpage > completions/ebpfctl.1

# Benchmarks against bpftool (not part of `make test`: they measure, they do not assert).
bench: static
	EBPFCTL=$(BIN) ./scripts/bench-startup.sh
	EBPFCTL=$(BIN) ./scripts/bench-small.sh
	./scripts/bench-map-dump.sh $(BIN)
	EBPFCTL=$(BIN) ./scripts/bench-show.sh 1000
	EBPFCTL=$(BIN) ./scripts/bench-top.sh 1000
	./scripts/bench-feature.sh $(BIN)
	./scripts/bench-btf.sh $(BIN)
	./scripts/bench-lifecycle.sh $(BIN)
	./scripts/bench-batch.sh $(BIN)
	./scripts/bench-jited.sh $(BIN)
	./scripts/bench-compat.sh

clean:
	cargo clean
