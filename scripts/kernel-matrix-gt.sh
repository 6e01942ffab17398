# Ground truth for `compat check`, sourced by scripts/kernel-matrix.sh (uses its REPO, OUT, CACHE, KPREFIX,
# HOST_BINARY, VM_COMMANDS, bpf_cc and fail). Kernels of the other architecture are named with KPREFIX ("arm64-")
# in $OUT and in tests/bpf/gt_offline_known.txt.
#
# The corpus is every tests/bpf/gt_*.bpf.c but gt_kconfig (a strong CONFIG_ extern: these Debian kernels expose no
# config to libbpf; tests/compat_groundtruth.rs covers it). Each object is compiled once; in ONE boot per kernel:
#   gt_live   `compat check --live` of every object inside the VM (the running kernel, trial loads included);
#   gt_loads  `prog loadall` of each object in turn (the truth: libbpf loads every autoload program and creates every
#             map, as bpftool prog loadall does), one line per object: "NAME EXIT-CODE FIRST-STDERR-LINE".
# On the host, `compat check` of every object against that kernel's BTF (scripts/kernel-btf.sh extracts it from the
# cached vmlinuz; `check`'s kernel.btf.sha256 inside the VM proves it is the BTF that kernel serves) gives the
# offline verdicts. For each object the verdicts must equal the outcome (compatible <=> loadall exits 0):
#   --live: always (a disagreement fails the kernel);
#   offline: except the pairs listed in tests/bpf/gt_offline_known.txt ("KERNEL OBJECT why"), the disagreements
#   docs/compat.md explains; a listed pair that agrees fails too, so the list cannot go stale.
# $OUT/<kernel>.gt_agreement.tsv keeps "object loads offline live" per object; scripts/compat-agreement.sh turns the
# files into the table in docs/compat.md.

GT_KNOWN=$REPO/tests/bpf/gt_offline_known.txt
GT_OBJECTS=()
for gt_src in "$REPO"/tests/bpf/gt_*.bpf.c; do
  gt_name=$(basename "$gt_src" .bpf.c)
  [[ $gt_name == gt_kconfig ]] || GT_OBJECTS+=("$gt_name")
done
unset gt_src gt_name

gt_register() {
  local live="gt_live -j compat check" gt
  for gt in "${GT_OBJECTS[@]}"; do
    live+=" /objs/$gt.o"
  done
  VM_COMMANDS+=("$live --live" "gt_loads @sh /objs/gt_loadall.sh")
}

# compat check exits 1 when some object is incompatible: both are answers.
want_rc_gt_live() { echo '[01]'; }

# Compiles the corpus into $1 (the initramfs's /objs; the host checks the very same files) with the in-VM loader.
gt_build_objects() {
  local dir=$1 gt
  mkdir -p "$dir"
  for gt in "${GT_OBJECTS[@]}"; do
    # vmlinux.h is x86's: arm64's PT_REGS_* need the registers of bpf/target_regs.h, included after it.
    printf '#include "vmlinux.h"\n#include "target_regs.h"\n#include "%s"\n' "$REPO/tests/bpf/$gt.bpf.c" >"$dir/$gt.c"
    bpf_cc -I"$REPO/tests/bpf" -idirafter /usr/include/x86_64-linux-gnu -c "$dir/$gt.c" -o "$dir/$gt.o" ||
      die "compiling tests/bpf/$gt.bpf.c"
  done
  write_loadall "$dir" gt
  GT_OBJ_DIR=$dir
  real_register "$dir"
}

# $1/$2_loadall.sh: one `prog loadall` per object of corpus $2 (gt, real), its pins removed before the next (and the
# maps that pin themselves by name at the bpffs root: the packaged xdp-filter objects do).
write_loadall() {
  cat >"$1/$2_loadall.sh" <<EOF
#!/bin/sh
for o in /objs/$2_*.o; do
EOF
  cat >>"$1/$2_loadall.sh" <<'EOF'
  n=${o##*/}
  n=${n%.o}
  # Shell builtins only, but for the load and the removal: every process started costs tens of milliseconds under
  # software emulation, and ls, head and grep per object were a quarter of this loop's time (45 s → 34 s for the
  # 107 packaged objects on amd64 6.1).
  set -- /sys/fs/bpf/*
  before=" $* "
  timeout 60 /ebpfctl -j prog loadall "$o" "/sys/fs/bpf/$n" >/dev/null 2>/tmp/corpus.err
  rc=$?
  first=
  read -r first </tmp/corpus.err
  echo "$n $rc $first"
  for e in /sys/fs/bpf/*; do
    case $before in *" $e "*) ;; *) rm -rf "$e" ;; esac
  done
done
EOF
}

# The packaged objects of programs nobody here wrote (scripts/real-objects.py: Debian's libbpf-tools, xdp-tools,
# libxdp and cilium/ebpf for $DEB_ARCH, and more), extracted into $1 next to the gt corpus and checked the same way.
# EBPFCTL_MATRIX_ALL_OBJECTS=1 takes every trixie package too (`extract --all`: ~110 more objects, ~55 s more per
# amd64 kernel).
real_register() {
  local dir=$1 o live="real_live -j compat check"
  python3 "$REPO/scripts/real-objects.py" extract ${EBPFCTL_MATRIX_ALL_OBJECTS:+--all} "$DEB_ARCH" "$dir" \
    "$CACHE/real-objects" >&2 ||
    die "extracting the packaged objects (scripts/real-objects.py)"
  REAL_OBJECTS=()
  for o in "$dir"/real_*.o; do
    REAL_OBJECTS+=("$(basename "$o" .o)")
    live+=" /objs/$(basename "$o")"
  done
  ((${#REAL_OBJECTS[@]})) || die "no packaged objects extracted into $dir"
  write_loadall "$dir" real
  VM_COMMANDS+=("$live --live" "real_loads @sh /objs/real_loadall.sh")
}
want_rc_real_live() { echo '[01]'; }

# The offline verdicts on kernel $1: one `compat check` of the whole corpus against its BTF, as "NAME true|false".
gt_offline() {
  local k=$1 corpus=$2 json=$OUT/$KPREFIX$1.$2_offline.json objs=() gt
  local -n names=${corpus^^}_OBJECTS
  "$REPO/scripts/kernel-btf.sh" "$KPREFIX$k" 2>"$OUT/$KPREFIX$k.gt_btf.stderr" || return 1
  for gt in "${names[@]}"; do
    objs+=("$GT_OBJ_DIR/$gt.o")
  done
  local rc=0
  "$HOST_BINARY" -j compat check "${objs[@]}" --btf "$CACHE/$KPREFIX$k/vmlinux.btf" >"$json" 2>"$json.stderr" || rc=$?
  [[ $rc == [01] ]] || return 1
  jq -r '.results[] | "\(.object | split("/") | last | rtrimstr(".o")) \(.compatible)"' "$json"
}

# Whether "KERNEL OBJECT" is a known offline disagreement.
gt_known() {
  [[ -r $GT_KNOWN ]] && grep -qE "^$1 $2( |$)" "$GT_KNOWN"
}

# gt_loads ran last: compare the three answers per object, keep them in $OUT/$1.gt_agreement.tsv.
assert_gt_loads() {
  assert_corpus_loads gt "$@"
  GT_SUMMARY="ground truth $CORPUS_SUMMARY"
}

# real_loads ran after it: the packaged objects, compared the same way ($OUT/$1.real_agreement.tsv).
assert_real_loads() {
  assert_corpus_loads real "$@"
  GT_SUMMARY+="; packaged objects $CORPUS_SUMMARY"
}

# Corpus $1 (gt, real) on kernel $2, whose in-VM `prog loadall` lines are in $3.
assert_corpus_loads() {
  local corpus=$1 k=$2 loads=$3 tsv=$OUT/$KPREFIX$2.$1_agreement.tsv want sha name rc rest truth off live
  local n=0 agree_off=0 agree_live=0
  local -n names=${corpus^^}_OBJECTS
  want=$(jq -r '.kernel.btf.sha256 // empty' "$OUT/$KPREFIX$k.check.json" 2>/dev/null)
  declare -A offline=()
  while read -r name verdict; do offline[$name]=$verdict; done < <(gt_offline "$k" "$corpus" || true)
  ((${#offline[@]})) || fail "$corpus: compat check --btf $CACHE/$KPREFIX$k/vmlinux.btf failed: $(head -c 300 \
    "$OUT/$KPREFIX$k.${corpus}_offline.json.stderr" "$OUT/$KPREFIX$k.gt_btf.stderr" 2>/dev/null | tr '\n' ' ')"
  sha=$(sha256sum "$CACHE/$KPREFIX$k/vmlinux.btf" 2>/dev/null | cut -d' ' -f1)
  [[ -n $want && $want == "$sha" ]] ||
    fail "ground truth: $CACHE/$KPREFIX$k/vmlinux.btf (sha256 ${sha:-none}) is not the BTF the VM serves (${want:-none})"
  declare -A onlive=()
  while read -r name verdict; do onlive[$name]=$verdict; done < <(jq -r \
    '.results[]? | "\(.object | split("/") | last | rtrimstr(".o")) \(.compatible)"' "$OUT/$KPREFIX$k.${corpus}_live.json")
  : >"$tsv"
  while read -r name rc rest; do
    [[ $name == "${corpus}"_* ]] || continue
    n=$((n + 1))
    truth=false
    [[ $rc == 0 ]] && truth=true
    off=${offline[$name]:-none}
    live=${onlive[$name]:-none}
    printf '%s\t%s\t%s\t%s\n' "$name" "$truth" "$off" "$live" >>"$tsv"
    if [[ $live == "$truth" ]]; then
      agree_live=$((agree_live + 1))
    else
      fail "ground truth: $name.o on $k: compat check --live says compatible=$live, but prog loadall exits $rc: $rest"
    fi
    if [[ $off == "$truth" ]]; then
      agree_off=$((agree_off + 1))
      ! gt_known "$KPREFIX$k" "$name" || fail "ground truth: $name.o on $k now agrees offline: remove it from $GT_KNOWN"
    elif ! gt_known "$KPREFIX$k" "$name"; then
      fail "ground truth: $name.o on $k: compat check --btf says compatible=$off, but prog loadall exits $rc: $rest"
    fi
  done <"$loads"
  ((n == ${#names[@]})) || fail "$corpus: ${corpus}_loads reported $n of ${#names[@]} objects (see $loads)"
  CORPUS_SUMMARY="$n objects: offline $agree_off/$n, --live $agree_live/$n agree with prog loadall"
}
