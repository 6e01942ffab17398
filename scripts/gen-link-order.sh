#!/usr/bin/env bash
# Writes link-order/<target>.txt: the functions that the short commands operators run in loops execute, for
# rust-lld's --symbol-ordering-file (build.rs passes it). Placed side by side at the front of .text, they fault
# in a few 64 KiB windows of the binary at start instead of one window per function spread over 4 MiB
# (`-j prog show` of 10 programs: 94 page faults instead of 130; docs/performance.md).
#
# Names used by more of the commands come first, then in the order callgrind met them. build.rs turns the list
# into a linker script too, whose patterns ignore the `.llvm.<hash>` suffixes ThinLTO gives promoted functions
# (they change with every edit of their module) and the legacy mangling's `17h<hash>E` (it hashes the crate's
# metadata, so a dependency added to Cargo.toml renamed every function: +14 faults, +9% on `version`), so the
# list holds up across ordinary commits; run this again after larger changes to start-up, then rebuild (build.rs
# relinks when the file changes). A name the binary no longer has matches nothing: a stale list costs page faults, never correctness.
#
# Usage: scripts/gen-link-order.sh     (root; after `cargo build --release --target <machine's musl target>`)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/arch.sh"
. "$ROOT/scripts/show-objects.sh"
# The unstripped build: callgrind names functions by their symbols.
EBPFCTL=${EBPFCTL:-$ROOT/target/$NATIVE_TARGET/release/ebpfctl}
CLANG=${BPF_CLANG:-clang-19}
OUT=$ROOT/link-order/$NATIVE_TARGET.txt

[[ $(id -u) == 0 ]] || { echo "gen-link-order: run as root" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "gen-link-order: valgrind missing (scripts/setup.sh)" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "gen-link-order: no $EBPFCTL (cargo build --release --target $NATIVE_TARGET)" >&2; exit 2; }

WORK=$(mktemp -d)
PINS=/sys/fs/bpf/ebpfctl-link-order-$$
trap show_objects_cleanup EXIT
# Objects for the listings to list, pin and find held: an empty system runs only part of their code.
show_objects 10

COMMANDS=(
  "version"
  "-j prog show" "-p prog show" "prog show" "prog show -w" "-j prog show name p0" "prog show name p0"
  "-j map show" "-p map show" "map show" "-j map show name m0" "map show name m0"
  "-j link show" "link show" "-j btf show" "btf show"
  "-j prog show id 4294967295"
)
i=0
for command in "${COMMANDS[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086 # a command line, split into its words
  valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$WORK/cg.$i" \
    "$EBPFCTL" $command >/dev/null 2>&1 || true
done

mkdir -p "$(dirname "$OUT")"
python3 - "$OUT" "$WORK"/cg.* <<'PY'
import collections, re, sys
out, profiles = sys.argv[1], sys.argv[2:]
uses, first = collections.Counter(), {}
for profile in profiles:
    seen = set()
    for line in open(profile, errors="replace"):
        if not line.startswith("fn="):
            continue
        # callgrind marks recursion levels with 'N; addresses without a symbol have no name to order by
        name = re.sub(r"'\d+$", "", line[3:].strip())
        if name.startswith(("0x", "(")) or name in seen:
            continue
        seen.add(name)
        uses[name] += 1
        first.setdefault(name, len(first))
order = sorted(uses, key=lambda n: (-uses[n], first[n]))
with open(out, "w") as f:
    f.write("\n".join(order) + "\n")
print(f"gen-link-order: {len(order)} functions from {len(profiles)} commands -> {out}", file=sys.stderr)
PY
