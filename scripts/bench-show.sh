#!/usr/bin/env bash
# `prog show` / `map show` at scale, ebpfctl vs bpftool in one run.
#
# Loads N programs and N maps (default 1000 each: one socket filter per map, plus the object's .rodata holding a
# bpf_metadata_ variable, so both tools also resolve metadata), pins all of them under a private bpffs directory,
# and has one process hold an fd to each, so `pinned` and `pids` have something to find. Then hyperfine times
#   ebpfctl -j prog show        (always walks bpffs for `pinned` and /proc for `pids`)
#   bpftool -j prog show        (no pinned paths; pids only if built with its BPF pid iterator)
#   bpftool -j -f prog show     (with pinned paths: the like-for-like comparison)
# and the same for `map show`, and prints each bpftool time divided by ebpfctl's (> 1: ebpfctl is faster).
#
# Usage: scripts/bench-show.sh [N]      (root; EBPFCTL=path/to/ebpfctl to time another build)
set -euo pipefail

N=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/arch.sh"
EBPFCTL=${EBPFCTL:-$ROOT/target/$NATIVE_TARGET/release/ebpfctl}
CLANG=${BPF_CLANG:-clang-19}
RUNS=${RUNS:-10}

[[ $(id -u) == 0 ]] || { echo "bench-show: run as root" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-show: hyperfine missing (scripts/setup.sh)" >&2; exit 2; }
[[ -x $EBPFCTL ]] || { echo "bench-show: no $EBPFCTL (make static)" >&2; exit 2; }

WORK=$(mktemp -d)
PINS=/sys/fs/bpf/ebpfctl-bench-$$
HOLDER_PID=
cleanup() {
  if [[ -n $HOLDER_PID ]]; then
    kill "$HOLDER_PID" 2>/dev/null || true
    wait "$HOLDER_PID" 2>/dev/null || true
  fi
  rm -rf "$PINS" "$WORK"
}
trap cleanup EXIT
# Timed as a copy, as an operator runs it after scp (see scripts/bench-startup.sh: the linker's output file
# costs exec more page faults).
cp "$EBPFCTL" "$WORK/ebpfctl"
EBPFCTL=$WORK/ebpfctl

# The object: N maps, N socket filters each touching its own map.
{
  echo '#include "vmlinux.h"'
  echo '#include <bpf/bpf_helpers.h>'
  echo 'volatile const int bpf_metadata_bench SEC(".rodata") = 1;'
  for ((i = 0; i < N; i++)); do
    cat <<C
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } m$i SEC(".maps");
SEC("socket") int p$i(void *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&m$i, &k); if (v) *v += bpf_metadata_bench; return 0; }
C
  done
  echo 'char LICENSE[] SEC("license") = "GPL";'
} > "$WORK/bench.bpf.c"
INCLUDE=$(libbpf_include "$ROOT")
[[ -n $INCLUDE ]] || { echo "bench-show: build ebpfctl once first (libbpf headers)" >&2; exit 2; }
"$CLANG" -O2 -g -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$NATIVE_ARCH")" -I"$ROOT/bpf" -I"$INCLUDE" -c "$WORK/bench.bpf.c" -o "$WORK/bench.o"

mkdir -p "$PINS/progs" "$PINS/maps"
echo "bench-show: loading $N programs and $N maps ..." >&2
bpftool prog loadall "$WORK/bench.o" "$PINS/progs" pinmaps "$PINS/maps" 2>/dev/null

# One process holding an fd to every pinned object (BPF_OBJ_GET), so every object has a holder.
# bpf(2)'s number on this machine, from its own headers (321 on x86_64, 280 on arm64).
SYS_BPF=$(printf '#include <sys/syscall.h>\nSYS_bpf\n' | cc -E -P - | tail -n 1)
python3 - "$PINS" "$SYS_BPF" > "$WORK/holder.out" <<'PY' &
import ctypes, os, resource, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
class ObjGet(ctypes.Structure):
    _fields_ = [("pathname", ctypes.c_uint64), ("bpf_fd", ctypes.c_uint32), ("file_flags", ctypes.c_uint32),
                ("path_fd", ctypes.c_int32)]
fds = []
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        path = ctypes.create_string_buffer(os.path.join(d, f).encode())
        attr = ObjGet(ctypes.addressof(path), 0, 0, 0)
        fd = libc.syscall(int(sys.argv[2]), 7, ctypes.byref(attr), ctypes.sizeof(attr))  # SYS_bpf, BPF_OBJ_GET
        if fd >= 0:
            fds.append(fd)
print(len(fds), flush=True)
signal.pause()  # until the script's cleanup kills us
PY
HOLDER_PID=$!
while [[ ! -s $WORK/holder.out ]]; do sleep 0.1; done
echo "bench-show: holder $HOLDER_PID has $(cat "$WORK/holder.out") fds" >&2

# Sanity: ebpfctl sees our objects with their pins and holder.
"$EBPFCTL" -j prog show name p0 | python3 -c '
import json, sys
p = json.load(sys.stdin)
assert p["pinned"] and p["pids"], p
'

bench() {
  local what=$1
  hyperfine --style basic --warmup 2 --runs "$RUNS" -N --export-json "$WORK/$what.json" \
    -n "ebpfctl -j $what show" "$EBPFCTL -j $what show" \
    -n "bpftool -j $what show" "bpftool -j $what show" \
    -n "bpftool -j -f $what show" "bpftool -j -f $what show" >&2
  python3 - "$WORK/$what.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
names = list(r)
# Means and medians: on a shared 2-core VM a few runs of a two-thread command are slowed by whatever else is
# scheduled, which moves the mean more than the median.
ours, ours_median = r[names[0]]["mean"], r[names[0]]["median"]
for n in names:
    m, s, med = r[n]["mean"], r[n]["stddev"] or 0.0, r[n]["median"]
    ratio = "" if n == names[0] else f"   bpftool/ebpfctl = {m / ours:.2f} (medians {med / ours_median:.2f})"
    print(f"{n:28s} {m * 1000:8.2f} ms ± {s * 1000:5.2f}, median {med * 1000:8.2f} ms{ratio}")
PY
}

echo "== $N programs, $N maps (+ .rodata), all pinned and held by pid $HOLDER_PID; kernel $(uname -r)"
echo "== $("$EBPFCTL" --version), $(bpftool version | head -1)"
bench prog
bench map
