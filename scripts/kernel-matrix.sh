#!/usr/bin/env bash
# Boot real Debian kernels under qemu (software emulation) and run the static ebpfctl binary inside each one.
#
#   scripts/kernel-matrix.sh BINARY [KERNEL...]      KERNEL: 5.10 6.1 6.12 (default: all three)
#
# The binary's architecture (x86_64 or aarch64, read from its ELF header) picks the kernels (Debian's amd64 or arm64
# builds) and the emulator (qemu-system-x86_64, or qemu-system-aarch64 -M virt). Where a kernel of one architecture
# offers less than the same version of the other, the expectations below say so (has_trampolines, has_kprobe_multi).
#
# Kernels: 6.1 and 6.12 from bookworm (+ bookworm-security), 5.10 from bullseye (+ bullseye-security); the newest
# ABI of each is picked from the package lists at fetch time. Only the extracted vmlinuz is kept, in
# ${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}/<kernel>/ (6.1 for amd64, arm64-6.1 for arm64), and a foreign
# busybox-static in busybox-arm64/; with a warm cache the script uses no network. The packages are fetched with a
# private, throw-away apt state, so the machine's apt configuration is never changed. EBPFCTL_KERNEL_REFRESH=1
# fetches again even when cached.
#
# Per run, an initramfs (busybox-static + BINARY as /ebpfctl + /init) is built in a temp dir. /init mounts proc,
# sysfs and devtmpfs only (bpffs and tracefs are ebpfctl's job), runs each of VM_COMMANDS and prints, on the serial
# console:
#   @@EBPFCTL-BEGIN <name>        then the command's stdout
#   @@EBPFCTL-STDERR <name>       then its stderr
#   @@EBPFCTL-EXIT <name> <rc>
#   @@EBPFCTL-UPTIME <name> <seconds since boot>   (the summary names the slowest commands)
# Outputs go to ${EBPFCTL_MATRIX_OUT:-<repo>/target/kernel-matrix}/ (<kernel> as in the cache): <kernel>.log (whole console),
# <kernel>.<name>.json (stdout), <kernel>.<name>.stderr, <kernel>.<name>.rc.
#
# Exit status: 0 all kernels passed, 1 some kernel failed (a failed download or boot is a failure of that kernel),
# 2 a set-up error (bad arguments, missing tools, unusable binary).
set -euo pipefail

# Commands run inside the VM, in order: "NAME ARGS...". NAME names the output files and the markers; ARGS are passed
# to /ebpfctl (plain words only). Every command must exit 0 and print one JSON document; a function assert_NAME, if
# defined, checks more (see assert_check). A command killed by the in-VM timeout exits 143. ARGS starting with
# "@" run a busybox command instead of ebpfctl (`@cat PATH`), whose output is text, not JSON.
VM_COMMANDS=(
  "version -j version"
  "check -j check"
  "features -j feature probe kernel"
  "features_ext -j feature probe kernel --extended"
  "features_chain -j feature probe kernel full --extended"
  "features_single @env EBPFCTL_PROBE_SINGLE=1 /ebpfctl -j feature probe kernel full --extended"
  "maps -j map show"
  "kprobe -j prog loadall /objs/kprobe.o /sys/fs/bpf/matrix_kprobe pinmaps /sys/fs/bpf/matrix_maps_kprobe autoattach"
  "kprobe_multi -j prog loadall /objs/kprobe_multi.o /sys/fs/bpf/matrix_kprobe_multi pinmaps /sys/fs/bpf/matrix_maps_kprobe_multi autoattach"
  "fentry -j prog loadall /objs/fentry.o /sys/fs/bpf/matrix_fentry pinmaps /sys/fs/bpf/matrix_maps_fentry autoattach"
  "lsm -j prog loadall /objs/lsm.o /sys/fs/bpf/matrix_lsm pinmaps /sys/fs/bpf/matrix_maps_lsm autoattach"
  "iter -j prog loadall /objs/iter.o /sys/fs/bpf/matrix_iter pinmaps /sys/fs/bpf/matrix_maps_iter autoattach"
  "links -j link show"
  "btfs -j btf show"
)

# `loadall ... autoattach` pins each program's link as DIR/NAME (`load ... autoattach` pins only the first program's
# link, at PATH itself, as bpftool 7.7 does).
# Lifecycle after the autoattach loads above: each link is seen by `link show` with its type and attach fields,
# the event it hooks is triggered (every ebpfctl run reads and opens files: vfs_read, file_open) and counted in the
# object's .bss `hits` read back with `map dump`, then `link detach` removes it and `links_after` finds none of
# them; `hits` read twice after that (the maps stay pinned) must not move, though ebpfctl kept reading files.
# The iterator is read as a user reads one, with cat on its pinned link: one "PID COMM" line per task, pid 1 (init)
# among them, and as many hits counted as lines printed. Last, bpftool's `iter pin OBJ PATH [map MAP]` pins an
# iterator of the object file's first program without a separate load, read the same way: the task iterator, then
# a map-element iterator over a map given by `map pinned PATH`, which prints the one element written to it.
# 5.10 has no kprobe links (the kprobe load fails there, see has_kprobe_link), so its kprobe steps fail cleanly.
LIFECYCLE_VM_COMMANDS=(
  "kprobe_link -j link show pinned /sys/fs/bpf/matrix_kprobe/matrix_kprobe"
  "kprobe_multi_link -j link show pinned /sys/fs/bpf/matrix_kprobe_multi/matrix_kprobe_multi"
  "fentry_link -j link show pinned /sys/fs/bpf/matrix_fentry/matrix_fentry"
  "lsm_link -j link show pinned /sys/fs/bpf/matrix_lsm/matrix_lsm"
  "iter_link -j link show pinned /sys/fs/bpf/matrix_iter/matrix_iter"
  "iter_read @cat /sys/fs/bpf/matrix_iter/matrix_iter"
  "iter_hits -j map dump pinned /sys/fs/bpf/matrix_maps_iter/iter_bss"
  "kprobe_hits -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe/kprobe_bss"
  "kprobe_multi_hits -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe_multi/kprobe_m_bss"
  "fentry_hits -j map dump pinned /sys/fs/bpf/matrix_maps_fentry/fentry_bss"
  "lsm_hits -j map dump pinned /sys/fs/bpf/matrix_maps_lsm/lsm_bss"
  "top -j prog top --interval 0.5 --count 1 name matrix_fentry"
  "kprobe_detach -j link detach pinned /sys/fs/bpf/matrix_kprobe/matrix_kprobe"
  "kprobe_multi_detach -j link detach pinned /sys/fs/bpf/matrix_kprobe_multi/matrix_kprobe_multi"
  "fentry_detach -j link detach pinned /sys/fs/bpf/matrix_fentry/matrix_fentry"
  "lsm_detach -j link detach pinned /sys/fs/bpf/matrix_lsm/matrix_lsm"
  "iter_detach -j link detach pinned /sys/fs/bpf/matrix_iter/matrix_iter"
  "links_after -j link show"
  "kprobe_still1 -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe/kprobe_bss"
  "kprobe_multi_still1 -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe_multi/kprobe_m_bss"
  "fentry_still1 -j map dump pinned /sys/fs/bpf/matrix_maps_fentry/fentry_bss"
  "lsm_still1 -j map dump pinned /sys/fs/bpf/matrix_maps_lsm/lsm_bss"
  "kprobe_still2 -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe/kprobe_bss"
  "kprobe_multi_still2 -j map dump pinned /sys/fs/bpf/matrix_maps_kprobe_multi/kprobe_m_bss"
  "fentry_still2 -j map dump pinned /sys/fs/bpf/matrix_maps_fentry/fentry_bss"
  "lsm_still2 -j map dump pinned /sys/fs/bpf/matrix_maps_lsm/lsm_bss"
  "iter_obj -j iter pin /objs/iter.o /sys/fs/bpf/matrix_iter_obj"
  "iter_obj_read @cat /sys/fs/bpf/matrix_iter_obj"
  "iter_map_create -j map create /sys/fs/bpf/matrix_elems type hash key 4 value 8 entries 4 name matrix_elems"
  "iter_map_fill -j map update pinned /sys/fs/bpf/matrix_elems key 7 0 0 0 value 9 0 0 0 0 0 0 0"
  "iter_map_obj -j iter pin /objs/iter_map.o /sys/fs/bpf/matrix_iter_map map pinned /sys/fs/bpf/matrix_elems"
  "iter_map_read @cat /sys/fs/bpf/matrix_iter_map"
)
VM_COMMANDS+=("${LIFECYCLE_VM_COMMANDS[@]}")

# `prog profile` (fentry/fexit around a program, reading perf counters; this VM's kernel refuses fentry): the
# target is a sched_switch raw tracepoint program, which runs whenever the profiler's own wait sleeps. `pmu` lists the
# guest's perf event sources: under TCG there is no hardware PMU ("cpu"), so `cycles` must fail cleanly there (kind
# unsupported) and `cpu_clock` (a software counter) is what proves the profiler measures runs; where a PMU exists,
# `cycles` must count too.
PROFILE_VM_COMMANDS=(
  "profile_target -j prog load /objs/profile.o /sys/fs/bpf/matrix_profile pinmaps /sys/fs/bpf/matrix_maps_profile autoattach"
  "pmu @ls /sys/bus/event_source/devices"
  "profile_cycles -j prog profile name matrix_profile duration 1 cycles"
  "profile -j prog profile name matrix_profile duration 1 cpu_clock"
  "jited -j prog dump jited name matrix_profile opcodes"
  "jited_ksyms @grep matrix_profile /proc/kallsyms"
  "stream -j prog tracelog stdout name matrix_profile"
)
VM_COMMANDS+=("${PROFILE_VM_COMMANDS[@]}")
# Program streams (BPF_PROG_STREAM_READ_BY_FD) came in 6.17: every kernel of the matrix must refuse the read as an
# unknown command and ebpfctl must call that unsupported, not invalid input.
want_rc_stream() { echo 2; }
assert_stream() {
  jq -e '.kind == "unsupported" and (.error | test("no BPF program streams"))' "$2" >/dev/null ||
    fail "stream: want kind unsupported (no streams before 6.17), got $(head -c 300 "$2")"
}
# Loading through libbpf's loader program (-L; BPF_PROG_TYPE_SYSCALL, 5.14+) pins what a plain load pins; signed
# loading (-S) needs a kernel that verifies BPF signatures (6.18+), which none of these is: kind "unsupported",
# nothing pinned. The key and certificate are made on the host (build_initramfs).
VM_COMMANDS+=(
  "loader -j prog loadall /objs/kprobe.o /sys/fs/bpf/matrix_loader -L"
  "signed -j prog loadall /objs/kprobe.o /sys/fs/bpf/matrix_signed -S -k /sign/key.pem -i /sign/cert.pem"
  "signed_pins @ls /sys/fs/bpf"
)

# Objects for the attach commands: tests/bpf/matrix_attach.bpf.c compiled once per attach type this VM's kernel
# refuses, so the matrix is where their success paths are proven.
MATRIX_OBJECTS=(kprobe kprobe_multi fentry lsm iter iter_map profile many)

# Probes of `ebpfctl -j check` that must have status "pass" on every kernel of the matrix.
CHECK_PROBES=(
  bpf_syscall btf bpffs tracefs core_task_struct tracepoint ringbuf perf_buffer raw_tracepoint
  uprobe kprobe fentry test_run_xdp test_run_socket_filter
)

# A long listing (more than 64 maps and 64 pins, no process holding them): every map of the object is listed with
# its memlock, its one pin and no holder, and no program's pin is taken for a map's (assert_many_maps).
VM_COMMANDS+=(
  "many_load -j prog loadall /objs/many.o /sys/fs/bpf/matrix_many pinmaps /sys/fs/bpf/matrix_many_maps"
  "many_maps -j map show"
)
assert_many_maps() {
  jq -e '[.[] | select(.name // "" | startswith("many_"))] as $many
    | ($many | length) == 70
    and all($many[]; (.bytes_memlock | type) == "number" and .frozen == 0 and .pids == []
                     and .pinned == ["/sys/fs/bpf/matrix_many_maps/" + .name])
    and ([.[].pinned[] | select(startswith("/sys/fs/bpf/matrix_many/"))] | length) == 0' "$2" >/dev/null ||
    fail "many_maps: want 70 many_* maps, each with memlock, its own pin and no holder: $(jq -c \
      '[.[] | select(.name // "" | startswith("many_"))] | length, .[0]' "$2" 2>/dev/null | head -c 400)"
}

ALL_KERNELS=(5.10 6.1 6.12)
BOOT_TIMEOUT=${EBPFCTL_MATRIX_TIMEOUT:-600}     # seconds for one whole boot (all commands)
CMD_TIMEOUT=${EBPFCTL_MATRIX_CMD_TIMEOUT:-300}  # seconds for one command inside the VM
CACHE=${EBPFCTL_KERNEL_CACHE:-/var/cache/ebpfctl/kernels}
# The mirrors this machine's apt already uses (deb822 or one-line sources), so no host is named here.
apt_uri() { # $1: suite to look for, e.g. bookworm or bookworm-security
  { cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk -v suite="$1" '
      /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) { print uri; exit } }
      /^deb / { u = ($2 ~ /^\[/) ? $4 : $3; s = ($2 ~ /^\[/) ? $5 : $4; if (s == suite) { print u; exit } }'
}
DEBIAN_MIRROR=${EBPFCTL_DEBIAN_MIRROR:-$(apt_uri bookworm)}
SECURITY_MIRROR=${EBPFCTL_DEBIAN_SECURITY_MIRROR:-$(apt_uri bookworm-security)}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$REPO/scripts/arch.sh"
OUT=${EBPFCTL_MATRIX_OUT:-$REPO/target/kernel-matrix}

log() { printf 'kernel-matrix: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

usage() {
  echo "usage: $0 BINARY [KERNEL...]   (KERNEL: ${ALL_KERNELS[*]}; default: all)" >&2
  exit 2
}

# --- kernels -----------------------------------------------------------------------------------------------------

# The Debian suites and the package-name pattern (extended regex) of each kernel of the matrix.
kernel_suites() {
  case $1 in
    5.10) echo "bullseye" ;;
    6.1 | 6.12) echo "bookworm" ;;
  esac
}
kernel_pattern() {
  case $1 in
    5.10) echo "^linux-image-5\\.10\\.0-[0-9]+-$DEB_ARCH-unsigned\$" ;;
    6.1) echo "^linux-image-6\\.1\\.0-[0-9]+-$DEB_ARCH\$" ;;
    6.12) echo "^linux-image-6\\.12\\.[0-9]+\\+deb12-$DEB_ARCH\$" ;;
  esac
}

APT_DIR=""
APT_OPTS=()

# A private apt state for the given suites and the kernels' architecture ($DEB_ARCH, which need not be the machine's):
# sources list, lists and cache under $TMP, nothing else touched.
apt_private_update() {
  [ -n "$DEBIAN_MIRROR" ] && [ -n "$SECURITY_MIRROR" ] ||
    die "no Debian mirror found in /etc/apt sources; set EBPFCTL_DEBIAN_MIRROR and EBPFCTL_DEBIAN_SECURITY_MIRROR"
  APT_DIR=$TMP/apt
  mkdir -p "$APT_DIR"/{lists/partial,cache/archives/partial,parts,prefs}
  local suite
  : >"$APT_DIR/sources.list"
  for suite in "$@"; do
    {
      echo "deb [arch=$DEB_ARCH signed-by=$KEYRING] $DEBIAN_MIRROR $suite main"
      echo "deb [arch=$DEB_ARCH signed-by=$KEYRING] $SECURITY_MIRROR $suite-security main"
    } >>"$APT_DIR/sources.list"
  done
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
    -o "Dir::Etc::SourceParts=$APT_DIR/parts"
    -o "Dir::Etc::Preferences=$APT_DIR/prefs/none"
    -o "Dir::Etc::PreferencesParts=$APT_DIR/prefs"
    -o "Dir::State::Lists=$APT_DIR/lists"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "APT::Architecture=$DEB_ARCH"
    -o "APT::Architectures=$DEB_ARCH"
    -o "APT::Sandbox::User=root"
    -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  )
  # A suite that is gone (e.g. an archived -security) is an error for apt but not for us: the package search says.
  apt-get "${APT_OPTS[@]}" -qq update >"$APT_DIR/update.log" 2>&1 || {
    log "apt-get update reported errors (continuing):"
    sed 's/^/    /' "$APT_DIR/update.log" >&2
  }
}

# Download the newest package of suite $2 whose name matches the extended regex $3 and keep its file $4 (a tar glob,
# one file) as $5/$6, with "Package: ...\nVersion: ..." in $5/package. $1 names it in messages. Candidates are tried
# newest first: a mirror may list packages it does not serve (bullseye-security's arm64 kernels: 404, while the
# bullseye point release's one downloads).
# Returns non-zero (after saying why) when it cannot.
fetch_package_file() {
  local what=$1 suite=$2 pattern=$3 member=$4 dir=$5 file=$6 work=$TMP/fetch pkg got="" deb t0
  t0=$(now)
  apt_private_update "$suite"
  for pkg in $(apt-cache "${APT_OPTS[@]}" pkgnames | grep -E "$pattern" | sort -rV | head -n 20); do
    rm -rf "$work" && mkdir -p "$work/x"
    if (cd "$work" && apt-get "${APT_OPTS[@]}" -qq download "$pkg:$DEB_ARCH") >"$work.log" 2>&1; then
      got=$pkg
      break
    fi
    log "$what: $pkg ($DEB_ARCH) listed but not downloadable: $(grep -m1 -o '[0-9]\{3\} .*\]' "$work.log" || head -n 1 "$work.log")"
  done
  if [[ -z $got ]]; then
    log "$what: no package matching $pattern could be downloaded from $suite; apt-get update said:"
    sed 's/^/    /' "$APT_DIR/update.log" >&2
    return 1
  fi
  deb=$(echo "$work"/*.deb)
  # Only the one file is needed: skip writing the ~400 MB of a kernel's modules that dpkg-deb -x would.
  if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/x" --wildcards "$member"; then
    log "$what: no $member in $deb"
    return 1
  fi
  if ! {
    mkdir -p "$dir" &&
      cp "$work/x"/$member "$dir/$file.new" &&
      dpkg-deb -f "$deb" Package Version >"$dir/package.new" &&
      mv "$dir/package.new" "$dir/package" &&
      mv "$dir/$file.new" "$dir/$file"
  }; then
    log "$what: could not write $dir"
    return 1
  fi
  rm -rf "$work" "$APT_DIR"
  log "$what: cached $dir/$file ($got, $DEB_ARCH) in $(elapsed "$t0") s"
}

# Make $CACHE/<kernel>/vmlinuz exist. Returns non-zero (after saying why) when it cannot.
fetch_kernel() {
  local k=$1 dir=$CACHE/$KPREFIX$1
  [[ -s $dir/vmlinuz && ${EBPFCTL_KERNEL_REFRESH:-0} != 1 ]] && return 0
  fetch_package_file "$KPREFIX$k" "$(kernel_suites "$k")" "$(kernel_pattern "$k")" './boot/vmlinuz-*' "$dir" vmlinuz
}

# The static busybox for the VM: the machine's own (busybox-static) when the kernels are of its architecture, else
# the other architecture's package, cached like a kernel.
find_busybox() {
  if [[ $MATRIX_ARCH == "$NATIVE_ARCH" ]]; then
    BUSYBOX=/bin/busybox
    [[ -x $BUSYBOX ]] || die "$BUSYBOX not found (run scripts/setup.sh: busybox-static)"
    return
  fi
  BUSYBOX=$CACHE/busybox-$DEB_ARCH/busybox
  [[ -s $BUSYBOX && ${EBPFCTL_KERNEL_REFRESH:-0} != 1 ]] && return
  fetch_package_file "busybox-$DEB_ARCH" bookworm '^busybox-static$' ./bin/busybox "$(dirname "$BUSYBOX")" busybox ||
    die "cannot fetch busybox-static for $DEB_ARCH"
}

# "PACKAGE VERSION" of the cached kernel $1.
kernel_package() {
  local f=$CACHE/$KPREFIX$1/package
  if [[ -r $f ]]; then
    awk -F': ' '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }' "$f"
  else
    echo unknown
  fi
}

# --- initramfs -----------------------------------------------------------------------------------------------------

# clang-19 for BPF objects of the kernels' architecture (__TARGET_ARCH_*), with the libbpf headers the build exported
# (any cargo build of this tree leaves them under target/*/build/ebpfctl-*/out/include).
bpf_cc() {
  local include
  include=$(find "$REPO/target" -maxdepth 6 -type d -path '*/build/ebpfctl-*/out/include' 2>/dev/null | head -n 1)
  [[ -n $include ]] || die "libbpf headers not found under target/: build ebpfctl first"
  clang-19 -O2 -g -Wall -target bpf "-D__TARGET_ARCH_$(bpf_target_arch "$MATRIX_ARCH")" -I"$REPO/bpf" -I"$include" "$@"
}

# Compiles tests/bpf/matrix_attach.bpf.c once per MATRIX_OBJECTS type into $1.
build_matrix_objects() {
  local dir=$1 type upper
  mkdir -p "$dir"
  for type in "${MATRIX_OBJECTS[@]}"; do
    upper=$(tr '[:lower:]' '[:upper:]' <<<"$type")
    bpf_cc "-DMATRIX_$upper" -c "$REPO/tests/bpf/matrix_attach.bpf.c" -o "$dir/$type.o" ||
      die "compiling the $type matrix object"
  done
}

build_initramfs() {
  local root=$TMP/root applet entry
  mkdir -p "$root"/{bin,dev,proc,sys,tmp}
  ln -s bin "$root/sbin"
  cp "$BUSYBOX" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # The applet links are made inside the VM (busybox --install): another architecture's busybox cannot run here.
  ln -s busybox "$root/bin/sh"
  cp "$BINARY" "$root/ebpfctl"
  chmod 0755 "$root/ebpfctl"
  build_matrix_objects "$root/objs"
  gt_build_objects "$root/objs"
  mkdir -p "$root/sign"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=ebpfctl matrix" \
    -keyout "$root/sign/key.pem" -out "$root/sign/cert.pem" 2>/dev/null || die "making the signing key"
  {
    cat <<'EOF'
#!/bin/sh
# Generated by scripts/kernel-matrix.sh. Mounts proc, sysfs and devtmpfs only: bpffs and tracefs are ebpfctl's job.
export PATH=/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# Keep kernel messages off the console so they cannot interleave with the output; the kernel messages logged while
# the commands ran are printed at the end.
echo 1 >/proc/sys/kernel/printk
echo "@@EBPFCTL-UNAME $(uname -r)"
read -r up _ </proc/uptime
echo "@@EBPFCTL-UPTIME boot $up"
dmesg -c >/dev/null
EOF
    echo "cmd_timeout=$CMD_TIMEOUT"
    cat <<'EOF'
run() {
  name=$1
  shift
  case $1 in
    @*) cmd=${1#@}; shift; set -- "$cmd" "$@" ;;
    *) set -- /ebpfctl "$@" ;;
  esac
  timeout "$cmd_timeout" "$@" >/tmp/out 2>/tmp/err
  rc=$?
  echo "@@EBPFCTL-BEGIN $name"
  cat /tmp/out
  [ -n "$(tail -c 1 /tmp/out)" ] && echo
  echo "@@EBPFCTL-STDERR $name"
  cat /tmp/err
  [ -n "$(tail -c 1 /tmp/err)" ] && echo
  echo "@@EBPFCTL-EXIT $name $rc"
  read -r up _ </proc/uptime
  echo "@@EBPFCTL-UPTIME $name $up"
}
EOF
    for entry in "${VM_COMMANDS[@]}"; do
      echo "run $entry"
    done
    cat <<'EOF'
echo "@@EBPFCTL-DMESG"
dmesg | tail -n 200
echo "@@EBPFCTL-DONE"
poweroff -f
EOF
  } >"$root/init"
  chmod 0755 "$root/init"
  (cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$TMP/initrd.gz"
}

# --- boot and assertions -------------------------------------------------------------------------------------------

FAILS=()
fail() { FAILS+=("$*"); }

# Print the lines between "@@EBPFCTL-<from> NAME" and the next "@@EBPFCTL-" marker of the console log $1.
section() {
  awk -v start="@@EBPFCTL-$2 $3" '
    index($0, "@@EBPFCTL-") == 1 { if (on) exit; if ($0 == start) { on = 1; next } }
    on { print }' "$1"
}

assert_check() {
  local k=$1 json=$2 probe status detail release want
  if ! jq -e 'type == "object"' "$json" >/dev/null; then
    fail "check: stdout is not a JSON object"
    return
  fi
  if [[ $(jq -r '.verdict' "$json") != pass ]]; then
    fail "check: verdict is $(jq -c '.verdict' "$json"), want \"pass\""
  fi
  release=$(jq -r '.kernel.release // empty' "$json")
  [[ $release == "$k".* ]] || fail "check: kernel.release is \"$release\", want $k.*"
  [[ $(jq -r .kernel.arch "$json") == "$MATRIX_ARCH" ]] || fail "check: kernel.arch is not $MATRIX_ARCH"
  for probe in "${CHECK_PROBES[@]}"; do
    want=pass
    [[ $probe == fentry ]] && ! has_trampolines "$k" && want=unsupported
    status=$(jq -r --arg n "$probe" '[.probes[]? | select(.name == $n)][0].status // "missing"' "$json")
    detail=$(jq -c --arg n "$probe" '[.probes[]? | select(.name == $n)][0].detail' "$json")
    if [[ $status == missing ]]; then
      fail "check: probe $probe is missing"
    elif [[ $status != "$want" ]]; then
      fail "check: probe $probe is $status, want $want: $detail"
    elif [[ $want == unsupported && ! $detail =~ ENOTSUPP.*cannot\ attach\ BPF\ trampolines ]]; then
      fail "check: probe $probe is unsupported without the kernel's ENOTSUPP and its cause: $detail"
    fi
  done
}

# The binary names the target it was built for: the matrix's architecture (check's kernel.arch is the kernel's).
assert_version() {
  [[ $(jq -r .target "$2") == "$MATRIX_ARCH-unknown-linux-musl" ]] || fail "version: target $(jq -c .target "$2")"
}

# feature probe on a real Debian kernel: bpftool's six top-level keys, and the program types this VM's own kernel
# refuses (kprobe attach, tracing, lsm) reported available, as they are there.
assert_features() {
  local json=$2 keys t
  keys=$(jq -c 'keys_unsorted' "$json")
  [[ $keys == '["system_config","syscall_config","program_types","map_types","helpers","misc"]' ]] ||
    fail "features: top-level keys are $keys"
  for t in kprobe tracing lsm xdp; do
    [[ $(jq -r --arg t "have_${t}_prog_type" '.program_types[$t]' "$json") == true ]] ||
      fail "features: have_${t}_prog_type is not true"
  done
  [[ $(jq -r '.map_types.have_ringbuf_map_type' "$json") == true ]] || fail "features: no ringbuf map type"
  [[ $(jq -r '.helpers.kprobe_available_helpers | index("bpf_get_current_pid_tgid") != null' "$json") == true ]] ||
    fail "features: kprobe programs lack bpf_get_current_pid_tgid"
}

# --extended: the multi-attach link types as the attach commands below find them (kprobe_multi only on 6.12, see
# has_kprobe_multi; uprobe_multi needs 6.6), though 6.1's enum declares kprobe_multi.
assert_features_ext() {
  local k=$1 json=$2 km=false um=false
  has_kprobe_multi "$k" && km=true
  [[ $k == 6.12 ]] && um=true
  jq -e --argjson km "$km" --argjson um "$um" \
    '.link_types.kprobe_multi == $km and .attach_types.trace_kprobe_multi == $km and .link_types.uprobe_multi == $um' \
    "$json" >/dev/null ||
    fail "features_ext: want kprobe_multi $km, uprobe_multi $um, got $(jq -c '.link_types' "$json" | head -c 300)"
  [[ $(jq -r '.kernel.release' "$json") == "$k"* ]] || fail "features_ext: kernel.release is $(jq -r '.kernel.release' "$json")"
}

# Helper probes chained several to a load (the default) answer as one load per helper does, on this kernel: the
# whole report, every program type and --extended kind, the noisy helpers included.
assert_features_single() {
  local json=$2 chain=${2%.features_single.json}.features_chain.json
  if ! jq -e '.helpers.kprobe_available_helpers | length > 20' "$json" >/dev/null 2>&1; then
    fail "features_single: not a report with kprobe helpers: $(head -c 300 "$json")"
  elif [[ $(jq -S . "$json") != "$(jq -S . "$chain")" ]]; then
    fail "features_single: one load per helper answers differently from chained probes: $(diff <(jq -S . "$chain") <(jq -S . "$json") | head -n 10 | tr '\n' ' ')"
  fi
}

# An attach command: the program loaded and one link made and pinned.
assert_attach() {
  local name=$1 json=$2
  [[ $(jq -r '.links | length' "$json" 2>/dev/null) == 1 ]] || fail "$name: want one link, got $(head -c 300 "$json")"
}
# Attach commands whose link a kernel cannot make: the load and every later step of that link (link, hits, detach,
# still1, still2) exit 2 on the kernels where the predicate $2 fails, since nothing was loaded.
refused_on() {
  local name=$1 has=$2 step
  for step in "" _link _hits _detach _still1 _still2; do
    eval "want_rc_$name$step() { if $has \"\$1\"; then echo 0; else echo 2; fi; }"
  done
}
# 5.10 attaches kprobes as perf events, not BPF links: nothing to pin, and ebpfctl must say so cleanly (exit 2).
has_kprobe_link() { [[ $1 != 5.10 ]]; }
refused_on kprobe has_kprobe_link
assert_kprobe() {
  if ! has_kprobe_link "$1"; then
    jq -e '.kind == "unsupported" and (.error | test("perf-event links came in 5.15"))' "$2" >/dev/null ||
      fail "kprobe: want the unsupported-pin error on 5.10, got $(head -c 300 "$2")"
  else
    assert_attach kprobe "$2"
  fi
}
# kprobe_multi links need 5.18 and CONFIG_FPROBE: only amd64 6.12 of the matrix has both. Elsewhere the load must fail
# cleanly, naming the attach (5.10 does not know the attach type; 6.1's kernel was built without fprobe, and its
# EOPNOTSUPP must not be taken for "nothing to attach to", which pins the program instead). The object's name is
# cut to 8 characters in its map names (kprobe_m.bss), as libbpf does.
# Debian's arm64 kernels have no fprobe at all (CONFIG_FPROBE unset: no register_fprobe in their BTF, 6.12 included).
has_kprobe_multi() { [[ $MATRIX_ARCH == x86_64 && $1 != 5.10 && $1 != 6.1 ]]; }
want_rc_loader() { if [[ $1 == 5.10 ]]; then echo 2; else echo 0; fi; }
assert_loader() {
  if [[ $1 == 5.10 ]]; then
    jq -e '.kind == "unsupported"' "$2" >/dev/null || fail "loader: want kind unsupported on 5.10 (see $2)"
  else
    jq -e '.programs[0].pinned == "/sys/fs/bpf/matrix_loader/" + .programs[0].name and .programs[0].id > 0' \
      "$2" >/dev/null || fail "loader: the program is not pinned (see $2)"
  fi
}
want_rc_signed() { echo 2; }
assert_signed() {
  jq -e '.kind == "unsupported"' "$2" >/dev/null || fail "signed: want kind unsupported (see $2)"
}
assert_signed_pins() {
  ! grep -qx matrix_signed "$2" || fail "signed_pins: a failed signed load left /sys/fs/bpf/matrix_signed"
}
assert_kprobe_multi() {
  if has_kprobe_multi "$1"; then
    assert_attach kprobe_multi "$2"
  else
    jq -e '(.error | test("program matrix_kprobe_multi: cannot attach")) and (.kind | type == "string")' "$2" >/dev/null ||
      fail "kprobe_multi: want a clean error naming the program, got $(head -c 300 "$2")"
  fi
}
refused_on kprobe_multi has_kprobe_multi
# BPF trampolines (fentry, lsm) hook kernel functions through ftrace direct calls, which arm64 kernels have since 6.4:
# Debian's arm64 6.1 was built without them and 5.10's arm64 JIT makes no trampolines at all. There `check` must
# call fentry unsupported (not fail) with the kernel's ENOTSUPP, and fentry/lsm attaches fail cleanly with it.
has_trampolines() { [[ $MATRIX_ARCH == x86_64 || $1 == 6.12 ]]; }
refused_on fentry has_trampolines
refused_on lsm has_trampolines
assert_no_trampoline() { # $1: attach command name, $2: its JSON
  jq -e --arg p "program matrix_$1: cannot attach" \
    '.kind == "unsupported" and (.error | startswith($p)) and (.error | test("ENOTSUPP"))' "$2" >/dev/null ||
    fail "$1: want the kernel's ENOTSUPP for a trampoline, got $(head -c 300 "$2")"
}
assert_fentry() { if has_trampolines "$1"; then assert_attach fentry "$2"; else assert_no_trampoline fentry "$2"; fi; }
assert_lsm() { if has_trampolines "$1"; then assert_attach lsm "$2"; else assert_no_trampoline lsm "$2"; fi; }
assert_iter() { assert_attach iter "$2"; }

# link show sees the links the attach commands left, by type (kprobes are perf_event links since 5.15).
assert_links() {
  local k=$1 json=$2 want
  want='["iter"'
  has_kprobe_multi "$k" && want+=',"kprobe_multi"'
  has_kprobe_link "$k" && want+=',"perf_event"'
  has_trampolines "$k" && want+=',"tracing"'
  want+=']'
  local got
  got=$(jq -c '[.[].type] | unique' "$json")
  [[ $got == "$want" ]] || fail "links: link types $got, want $want"
}

# --- lifecycle observe/detach (LIFECYCLE_VM_COMMANDS) ---
# The id of the link the autoattach command $2 (kprobe, fentry, lsm, iter) made on kernel $1.
loaded_link_id() { jq -r '.links[0].id // empty' "$OUT/$KPREFIX$1.$2.json" 2>/dev/null; }
# link show of one pinned link: its id is the one the load reported and jq filter $4 holds.
assert_link_fields() {
  local k=$1 json=$2 name=$3 filter=$4 id
  id=$(loaded_link_id "$k" "$name")
  jq -e --argjson id "${id:-0}" ".id == \$id and ($filter)" "$json" >/dev/null ||
    fail "${name}_link: want link $id with $filter, got $(head -c 300 "$json")"
}
assert_kprobe_link() {
  case $1 in
    5.10) jq -e '.kind == "not_found"' "$2" >/dev/null || fail "kprobe_link: want not_found on 5.10" ;;
    # perf_event links describe their kprobe (func, retprobe) since 6.6.
    6.1) assert_link_fields "$1" "$2" kprobe '.type == "perf_event"' ;;
    *) assert_link_fields "$1" "$2" kprobe '.type == "perf_event" and .func == "vfs_read" and .retprobe == false' ;;
  esac
}
# Tracing links name their target BTF id since 5.13; 5.10 reports 0.
target_btf() { if [[ $1 == 5.10 ]]; then echo '.target_btf_id == 0'; else echo '.target_btf_id > 0'; fi; }
assert_fentry_link() {
  has_trampolines "$1" || return 0
  assert_link_fields "$1" "$2" fentry ".type == \"tracing\" and .attach_type == \"trace_fentry\" and $(target_btf "$1")"
}
assert_lsm_link() {
  has_trampolines "$1" || return 0
  assert_link_fields "$1" "$2" lsm ".type == \"tracing\" and .attach_type == \"lsm_mac\" and $(target_btf "$1")"
}
# kprobe_multi links describe their functions since 6.6.
assert_kprobe_multi_link() {
  has_kprobe_multi "$1" || return 0
  assert_link_fields "$1" "$2" kprobe_multi \
    '.type == "kprobe_multi" and .retprobe == false and .func_cnt == 1 and .funcs[0].func == "vfs_read"'
}
assert_iter_link() { assert_link_fields "$1" "$2" iter '.type == "iter" and .target_name == "task"'; }
# The .bss `hits` counter (BTF-formatted by ebpfctl) moved.
# .bss's formatted value is bpftool's DATASEC shape: {".bss": [{"hits": N}]}.
hits_of() { jq -r '[.[0]?.formatted.value[".bss"][]? | .hits? // empty][0] // "none"' "$1" 2>/dev/null || echo none; }
assert_hits() {
  local name=$1 json=$2 hits
  hits=$(hits_of "$json")
  [[ $hits =~ ^[0-9]+$ ]] && ((hits > 0)) || fail "${name}_hits: hits is ${hits:-unreadable}, want > 0"
}
# After detach: the second read equals the first (and the first is at least what was counted while attached).
assert_still() {
  local k=$1 name=$2 attached first second
  attached=$(hits_of "$OUT/$KPREFIX$k.${name}_hits.json")
  first=$(hits_of "$OUT/$KPREFIX$k.${name}_still1.json")
  second=$(hits_of "$OUT/$KPREFIX$k.${name}_still2.json")
  [[ $first =~ ^[0-9]+$ && $first == "$second" && $first -ge $attached ]] ||
    fail "${name}_still2: hits moved after detach: $attached while attached, then $first, then $second"
}
assert_kprobe_still2() { has_kprobe_link "$1" || return 0; assert_still "$1" kprobe; }
assert_fentry_still2() { has_trampolines "$1" || return 0; assert_still "$1" fentry; }
assert_kprobe_multi_still2() { has_kprobe_multi "$1" || return 0; assert_still "$1" kprobe_multi; }
assert_kprobe_multi_hits() { has_kprobe_multi "$1" || return 0; assert_hits kprobe_multi "$2"; }
assert_kprobe_multi_detach() { has_kprobe_multi "$1" || return 0; assert_detached "$1" "$2" kprobe_multi; }
assert_lsm_still2() { has_trampolines "$1" || return 0; assert_still "$1" lsm; }
assert_kprobe_hits() { has_kprobe_link "$1" || return 0; assert_hits kprobe "$2"; }
# The iterator's text: "PID COMM" lines only, pid 1 is init, and the program counted one hit per line.
assert_iter_read() {
  local lines
  lines=$(wc -l <"$2")
  ((lines >= 2)) && ! grep -qvE '^[0-9]+ .+$' "$2" && grep -qx '1 init' "$2" ||
    fail "iter_read: want 'PID COMM' lines with '1 init', got $(head -c 300 "$2" | tr '\n' '|')"
}
assert_iter_obj() {
  jq -e '.id > 0 and .pinned == "/sys/fs/bpf/matrix_iter_obj"' "$2" >/dev/null ||
    fail "iter_obj: want the iterator link pinned at /sys/fs/bpf/matrix_iter_obj, got $(head -c 300 "$2")"
}
assert_iter_obj_read() { assert_iter_read "$1" "$2"; }
assert_iter_map_read() {
  [[ $(cat "$2") == "7 9" ]] || fail "iter_map_read: want the element '7 9', got $(head -c 300 "$2" | tr '\n' '|')"
}
assert_iter_hits() {
  local lines hits
  assert_hits iter "$2"
  lines=$(wc -l <"$OUT/$KPREFIX$1.iter_read.json")
  hits=$(hits_of "$2")
  [[ $hits == "$lines" ]] || fail "iter_hits: the iterator printed $lines lines but counted $hits"
}
assert_fentry_hits() { has_trampolines "$1" || return 0; assert_hits fentry "$2"; }
assert_lsm_hits() { has_trampolines "$1" || return 0; assert_hits lsm "$2"; }
# prog top switches statistics on with BPF_ENABLE_STATS (5.8+) on every kernel of the matrix: the fentry program
# on vfs_read counted runs while it ran (ebpfctl's own reads of /proc for pids run vfs_read).
want_rc_top() { if has_trampolines "$1"; then echo 0; else echo 2; fi; }
assert_top() {
  has_trampolines "$1" || return 0
  jq -e '.stats == "ebpfctl" and (.programs | length == 1) and .programs[0].name == "matrix_fentry"
         and .programs[0].run_cnt > 0 and .programs[0].run_time_ns > 0 and .online_cpus >= 1' "$2" >/dev/null ||
    fail "top: prog top did not count the fentry program's runs: $(head -c 300 "$2")"
}
# link detach: the loaded link, its one pin removed, no process holding it.
assert_detached() {
  local k=$1 json=$2 name=$3 id
  id=$(loaded_link_id "$k" "$name")
  jq -e --argjson id "${id:-0}" --arg pin "/sys/fs/bpf/matrix_$name/matrix_$name" \
    '.links[0].id == $id and .links[0].pins_removed == [$pin] and .links[0].still_held == false' "$json" >/dev/null ||
    fail "${name}_detach: want link $id detached and unpinned, got $(head -c 300 "$json")"
}
assert_kprobe_detach() { has_kprobe_link "$1" || return 0; assert_detached "$1" "$2" kprobe; }
assert_fentry_detach() { has_trampolines "$1" || return 0; assert_detached "$1" "$2" fentry; }
assert_lsm_detach() { has_trampolines "$1" || return 0; assert_detached "$1" "$2" lsm; }
assert_iter_detach() { assert_detached "$1" "$2" iter; }
# None of the loaded links is left.
assert_links_after() {
  local k=$1 json=$2 name id
  for name in kprobe kprobe_multi fentry lsm iter; do
    id=$(loaded_link_id "$k" "$name")
    [[ -z $id ]] || jq -e --argjson id "$id" 'all(.[]; .id != $id)' "$json" >/dev/null ||
      fail "links_after: link $id ($name) is still there after link detach"
  done
}

# --- prog profile (PROFILE_VM_COMMANDS) ---
assert_profile_target() { assert_attach profile_target "$2"; }
# The hardware PMU's event source: "cpu" on x86, "armv8_pmuv3*" on arm64 (qemu may emulate one for an arm64 guest).
guest_has_pmu() { grep -qxE 'cpu|armv8_pmuv3.*' "$OUT/$KPREFIX$1.pmu.json" 2>/dev/null; }
# fentry/fexit on a BPF program need a BPF trampoline but no ftrace direct call: arm64's JIT makes them since 6.0, so
# of the arm64 kernels only 5.10 cannot profile (its ENOTSUPP must be kind unsupported).
has_bpf_trampoline() { [[ $MATRIX_ARCH == x86_64 || $1 != 5.10 ]]; }
want_rc_profile() { if has_bpf_trampoline "$1"; then echo 0; else echo 2; fi; }
want_rc_profile_cycles() { if has_bpf_trampoline "$1" && guest_has_pmu "$1"; then echo 0; else echo 2; fi; }
assert_profile_unsupported() {
  jq -e '.kind == "unsupported" and (.error | test("cannot attach fentry/fexit"))' "$2" >/dev/null ||
    fail "$1: want a clean unsupported error (no BPF trampoline), got $(head -c 300 "$2")"
}
# One reading per metric, bpftool's fields: the program ran while measured and the counter moved.
assert_profile_counted() {
  local name=$1 json=$2 metric=$3
  jq -e --arg m "$metric" 'length == 1 and .[0].metric == $m and .[0].run_cnt > 0 and .[0].value > 0
      and .[0].enabled > 0 and .[0].running > 0' "$json" >/dev/null ||
    fail "$name: want run_cnt > 0 and $metric > 0, got $(head -c 300 "$json")"
}
assert_profile() {
  if has_bpf_trampoline "$1"; then
    assert_profile_counted profile "$2" cpu_clock
  else
    assert_profile_unsupported profile "$2"
  fi
}
assert_profile_cycles() {
  if ! has_bpf_trampoline "$1"; then
    assert_profile_unsupported profile_cycles "$2"
  elif guest_has_pmu "$1"; then
    assert_profile_counted profile_cycles "$2" cycles
  else
    jq -e '.kind == "unsupported" and (.error | test("cycles counter"))' "$2" >/dev/null ||
      fail "profile_cycles: no PMU in the guest, want a clean unsupported error, got $(head -c 300 "$2")"
  fi
}

# `prog dump jited` of the same program under this kernel's JIT, checked on the host with objdump as the oracle:
# each function's bytes (its JSON opcodes), disassembled at its address in the guest's /proc/kallsyms, must give
# the very instructions ebpfctl printed (offsets, mnemonics, operands; objdump's `//` comments and blanks aside).
# binutils' objdump for the guest's architecture (binutils-aarch64-linux-gnu for arm64, from scripts/setup.sh).
jit_objdump() {
  case $MATRIX_ARCH in
    x86_64) echo objdump -mi386:x86-64 ;;
    aarch64) echo aarch64-linux-gnu-objdump -maarch64 ;;
  esac
}
assert_jited_ksyms() {
  local k=$1 ksyms=$2 out
  # shellcheck disable=SC2046 # two words: the tool and its -m machine
  out=$(python3 - "$OUT/$KPREFIX$k.jited.json" "$ksyms" "$TMP/jited-$KPREFIX$k.bin" $(jit_objdump) <<'PY' 2>&1
import json, re, subprocess, sys
funcs = json.load(open(sys.argv[1]))
syms = {f[2]: int(f[0], 16) for f in (l.split() for l in open(sys.argv[2])) if len(f) >= 3}
tool, machine = sys.argv[4], sys.argv[5]
bare = lambda text: re.sub(r"\s+", "", re.split(r"//| ; ", text)[0])
assert funcs, "no function"
for f in funcs:
    addr = syms.get(f["name"])
    assert addr is not None, f"{f['name']} is not in the guest's /proc/kallsyms"
    open(sys.argv[3], "wb").write(bytes(int(b, 16) for i in f["insns"] for b in i["opcodes"]))
    dump = subprocess.run([tool, "-D", "-b", "binary", machine, "--insn-width=16", f"--adjust-vma={addr:#x}",
                           sys.argv[3]], capture_output=True, text=True, check=True)
    theirs = []
    for line in dump.stdout.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[0].strip().endswith(":"):
            theirs.append((int(parts[0].strip()[:-1], 16) - addr, bare(parts[2])))
    ours = [(int(i["pc"], 16), bare(i["operation"] + ",".join(o for o in i["operands"] if o))) for i in f["insns"]]
    assert ours == theirs, f"{f['name']}: first difference " + str(next(
        ((a, b) for a, b in zip(ours, theirs) if a != b), (len(ours), len(theirs))))
print(sum(len(f["insns"]) for f in funcs))
PY
  ) || {
    fail "jited: not objdump's disassembly: $(tail -n 1 <<<"$out")"
    return
  }
  ((out >= 5)) || fail "jited: only $out instructions compared"
}

# map show after check: the self-test's maps are gone, so an empty array (or only maps the kernel keeps).
# The programs loaded above brought BTF. Before 5.11 kernel BTF had no id and bpf_btf_info ended at `id` (a
# request with the later name fields set is E2BIG), so 5.10 lists only those, unnamed; later kernels list vmlinux.
assert_btfs() {
  local k=$1 json=$2
  jq -e 'type == "array" and length > 0' "$json" >/dev/null || fail "btfs: btf show printed no BTF objects"
  if [[ $k == 5.10 ]]; then
    jq -e 'all(.[]; .kernel == false)' "$json" >/dev/null || fail "btfs: 5.10 has no kernel BTF ids"
  else
    jq -e 'any(.[]; .kernel == true and .name == "vmlinux")' "$json" >/dev/null || fail "btfs: no vmlinux BTF"
  fi
}

assert_maps() {
  jq -e 'type == "array"' "$2" >/dev/null || fail "maps: map show did not print an array"
}

# --- ground truth for `compat check` ------------------------------------------------------------------------------
# The corpus tests/bpf/gt_*.bpf.c, loaded in the VM and checked offline on the host: see scripts/kernel-matrix-gt.sh.
# shellcheck source=scripts/kernel-matrix-gt.sh
source "$REPO/scripts/kernel-matrix-gt.sh"
gt_register

# Boot kernel $1 and check its outputs; fills FAILS.
run_kernel() {
  local k=$1 logf=$OUT/$KPREFIX$1.log entry name json rc want_rc qrc=0 t0
  FAILS=()
  BOOT_SECS="not booted"
  GT_SUMMARY="ground truth not compared"
  rm -f "$OUT/$KPREFIX$k".*
  if ! fetch_kernel "$k"; then
    fail "could not fetch the kernel"
    return
  fi
  t0=$(now)
  timeout -k 10 "$BOOT_TIMEOUT" "${QEMU[@]}" -smp 1 -nographic -no-reboot \
    -kernel "$CACHE/$KPREFIX$k/vmlinuz" -initrd "$TMP/initrd.gz" \
    -append "$QEMU_CONSOLE panic=-1 quiet lsm=bpf" </dev/null >"$logf.raw" 2>&1 || qrc=$?
  BOOT_SECS="boot+run $(elapsed "$t0") s"
  tr -d '\r' <"$logf.raw" >"$logf"
  rm -f "$logf.raw"
  if ((qrc == 124)); then
    fail "boot timed out after ${BOOT_TIMEOUT} s (see $logf)"
  elif ((qrc != 0)); then
    fail "qemu exited with $qrc (see $logf)"
  fi
  grep -qx '@@EBPFCTL-DONE' "$logf" || fail "the VM did not finish its commands (see $logf)"
  # Where the guest's time went: boot, then the slowest commands (seconds of guest uptime).
  BOOT_SECS+=" ($(awk '$1 == "@@EBPFCTL-UPTIME" { printf "%s %.1f\n", $2, $3 - prev; prev = $3 }' "$logf" |
    sort -k2,2 -rn | head -n 5 | awk '{ printf "%s%s %s s", (NR > 1 ? ", " : ""), $1, $2 }'))"
  for entry in "${VM_COMMANDS[@]}"; do
    name=${entry%% *}
    json=$OUT/$KPREFIX$k.$name.json
    rc=$(awk -v p="@@EBPFCTL-EXIT $name " 'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' "$logf")
    if [[ -z $rc ]]; then
      fail "$name: no output (see $logf)"
      continue
    fi
    echo "$rc" >"$OUT/$KPREFIX$k.$name.rc"
    section "$logf" BEGIN "$name" >"$json"
    section "$logf" STDERR "$name" >"$OUT/$KPREFIX$k.$name.stderr"
    want_rc=0
    if declare -F "want_rc_$name" >/dev/null; then
      want_rc=$("want_rc_$name" "$k")
    fi
    # shellcheck disable=SC2053 # want_rc may be a pattern ("[01]")
    [[ $rc == $want_rc ]] ||
      fail "$name: exit code $rc, want $want_rc (stderr: $(head -c 300 "$OUT/$KPREFIX$k.$name.stderr" | tr '\n' ' '))"
    if [[ $entry == "$name @"* ]]; then
      : # a busybox command: text, checked by its assert_NAME
    elif ! jq -se 'length == 1' "$json" >/dev/null 2>&1; then
      fail "$name: stdout is not one JSON document (see $json)"
      continue
    fi
    if declare -F "assert_$name" >/dev/null; then
      "assert_$name" "$k" "$json"
    fi
  done
}

# The emulator for the kernels' architecture. x86_64: no KVM (nested virtualisation does not work on the build
# machines). aarch64: the virt board with its PL011 console; -cpu max emulates pointer authentication with QARMA,
# which the Debian kernels use (CONFIG_ARM64_PTR_AUTH_KERNEL), and is 3.5x slower under TCG than with the
# implementation-defined algorithm (pauth-impdef=on). 2 GiB of guest memory: tracexec's object (built from its crate)
# preallocates ~700 MiB of maps, which a 512 MiB guest refused with ENOMEM where a real machine loads it; TCG backs
# guest memory lazily, so the host pays only for pages a guest touches.
set_qemu() {
  case $MATRIX_ARCH in
    x86_64)
      QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m 2048)
      QEMU_CONSOLE="console=ttyS0 edd=off"
      ;;
    aarch64)
      QEMU=(qemu-system-aarch64 -M virt -accel tcg -cpu max,pauth-impdef=on -m 2048)
      QEMU_CONSOLE="console=ttyAMA0"
      ;;
  esac
}

main() {
  (($# >= 1)) || usage
  [[ $1 != -h && $1 != --help ]] || usage
  BINARY=$1
  shift
  [[ -f $BINARY && -x $BINARY ]] || die "$BINARY is not an executable file"
  MATRIX_ARCH=$(elf_arch "$BINARY") || die "$BINARY is not an x86_64 or aarch64 ELF executable"
  DEB_ARCH=$(dpkg_arch "$MATRIX_ARCH")
  # Kernel cache and output names: 6.1 for amd64 (as before there were two architectures), arm64-6.1 for arm64.
  KPREFIX=""
  [[ $MATRIX_ARCH == x86_64 ]] || KPREFIX=$DEB_ARCH-
  set_qemu
  HOST_BINARY=$BINARY
  if [[ $MATRIX_ARCH != "$NATIVE_ARCH" ]]; then
    HOST_BINARY=${EBPFCTL_HOST_BINARY:-$REPO/target/$NATIVE_TARGET/release/ebpfctl}
    [[ -x $HOST_BINARY ]] || die "$HOST_BINARY (this machine's ebpfctl, for compat check) not found: make static"
  fi
  local kernels=("$@") k
  ((${#kernels[@]})) || kernels=("${ALL_KERNELS[@]}")
  for k in "${kernels[@]}"; do
    [[ -n $(kernel_pattern "$k") ]] || { log "unknown kernel $k"; usage; }
  done
  [[ $BOOT_TIMEOUT =~ ^[0-9]+$ && $CMD_TIMEOUT =~ ^[0-9]+$ ]] || die "timeouts must be whole seconds"
  local entry
  for entry in "${VM_COMMANDS[@]}"; do
    [[ $entry =~ ^[a-z0-9_]+( @?[A-Za-z0-9_./=,:-]+)*$ ]] || die "bad VM_COMMANDS entry: $entry"
  done
  if command -v readelf >/dev/null && readelf -l "$BINARY" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$BINARY is dynamically linked; the VM has no libc (build the static musl binary)"
  fi
  local tool
  for tool in "${QEMU[0]}" cpio gzip jq timeout apt-get dpkg-deb clang-19 readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (run scripts/setup.sh)"
  done
  mkdir -p "$CACHE" "$OUT" || die "cannot create $CACHE or $OUT"

  TMP=$(mktemp -d "${TMPDIR:-/tmp}/kernel-matrix.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  # One run per architecture at a time: the caches of the two architectures are apart (kernels, busybox, packaged
  # objects), so `make test-kernels` runs both at once.
  exec 9>"$CACHE/.lock-$DEB_ARCH"
  flock 9
  find_busybox

  local t_all t0 passed=0 failed=0 f
  t_all=$(now)
  build_initramfs
  for k in "${kernels[@]}"; do
    t0=$(now)
    run_kernel "$k"
    if ((${#FAILS[@]} == 0)); then
      passed=$((passed + 1))
      echo "kernel-matrix: $KPREFIX$k PASS ($(kernel_package "$k"); $BOOT_SECS, total $(elapsed "$t0") s; $GT_SUMMARY)"
    else
      failed=$((failed + 1))
      echo "kernel-matrix: $KPREFIX$k FAIL ($(kernel_package "$k"); $BOOT_SECS, total $(elapsed "$t0") s; $GT_SUMMARY)"
      for f in "${FAILS[@]}"; do
        echo "kernel-matrix:   $KPREFIX$k: $f"
      done
    fi
  done
  echo "kernel-matrix: total $(elapsed "$t_all") s, outputs in $OUT"
  echo "kernel-matrix: $passed passed, $failed failed"
  ((failed == 0)) || exit 1
}

main "$@"
