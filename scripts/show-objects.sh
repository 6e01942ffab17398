# Sourced by scripts/bench-show.sh and scripts/gen-link-order.sh: N socket filters and N maps that `show` has
# everything to print for, as on a busy host. Each program touches its own map and the object's .rodata holds a
# bpf_metadata_ variable (metadata); every object is pinned under $PINS (pinned) and one process holds an fd to
# each (pids). Needs ROOT, WORK, PINS and CLANG set, scripts/arch.sh sourced, bpftool, python3 and root;
# show_objects_cleanup (for an EXIT trap) kills the holder and removes $PINS and $WORK.

HOLDER_PID=
show_objects_cleanup() {
  if [[ -n $HOLDER_PID ]]; then
    kill "$HOLDER_PID" 2>/dev/null || true
    wait "$HOLDER_PID" 2>/dev/null || true
  fi
  rm -rf "$PINS" "$WORK"
}

show_objects() {
  local n=$1 i
  {
    echo '#include "vmlinux.h"'
    echo '#include <bpf/bpf_helpers.h>'
    echo 'volatile const int bpf_metadata_bench SEC(".rodata") = 1;'
    for ((i = 0; i < n; i++)); do
      cat <<C
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } m$i SEC(".maps");
SEC("socket") int p$i(void *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&m$i, &k); if (v) *v += bpf_metadata_bench; return 0; }
C
    done
    echo 'char LICENSE[] SEC("license") = "GPL";'
  } > "$WORK/bench.bpf.c"
  local include
  include=$(libbpf_include "$ROOT")
  [[ -n $include ]] || { echo "show-objects: build ebpfctl once first (libbpf headers)" >&2; exit 2; }
  "$CLANG" -O2 -g -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$NATIVE_ARCH")" -I"$ROOT/bpf" -I"$include" \
    -c "$WORK/bench.bpf.c" -o "$WORK/bench.o"

  mkdir -p "$PINS/progs" "$PINS/maps"
  echo "show-objects: loading $n programs and $n maps ..." >&2
  bpftool prog loadall "$WORK/bench.o" "$PINS/progs" pinmaps "$PINS/maps" 2>/dev/null

  # One process holding an fd to every pinned object (BPF_OBJ_GET), so every object has a holder.
  # bpf(2)'s number on this machine, from its own headers (321 on x86_64, 280 on arm64).
  local SYS_BPF
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
  echo "show-objects: holder $HOLDER_PID has $(cat "$WORK/holder.out") fds" >&2
}
