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
  cat >"$dir/gt_loadall.sh" <<'EOF'
#!/bin/sh
# One `prog loadall` per corpus object, its pins removed before the next.
for o in /objs/gt_*.o; do
  n=${o##*/}
  n=${n%.o}
  timeout 60 /ebpfctl -j prog loadall "$o" "/sys/fs/bpf/$n" >/dev/null 2>/tmp/gt.err
  echo "$n $? $(head -n 1 /tmp/gt.err)"
  rm -rf "/sys/fs/bpf/$n"
done
EOF
  GT_OBJ_DIR=$dir
}

# The offline verdicts on kernel $1: one `compat check` of the whole corpus against its BTF, as "NAME true|false".
gt_offline() {
  local k=$1 json=$OUT/$KPREFIX$1.gt_offline.json objs=() gt
  "$REPO/scripts/kernel-btf.sh" "$KPREFIX$k" 2>"$OUT/$KPREFIX$k.gt_btf.stderr" || return 1
  for gt in "${GT_OBJECTS[@]}"; do
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
  local k=$1 loads=$2 tsv=$OUT/$KPREFIX$1.gt_agreement.tsv want got sha name rc rest truth off live n=0 agree_off=0 agree_live=0
  want=$(jq -r '.kernel.btf.sha256 // empty' "$OUT/$KPREFIX$k.check.json" 2>/dev/null)
  declare -A offline=()
  while read -r name verdict; do offline[$name]=$verdict; done < <(gt_offline "$k" || true)
  ((${#offline[@]})) || fail "ground truth: compat check --btf $CACHE/$KPREFIX$k/vmlinux.btf failed: $(head -c 300 \
    "$OUT/$KPREFIX$k.gt_offline.json.stderr" "$OUT/$KPREFIX$k.gt_btf.stderr" 2>/dev/null | tr '\n' ' ')"
  sha=$(sha256sum "$CACHE/$KPREFIX$k/vmlinux.btf" 2>/dev/null | cut -d' ' -f1)
  [[ -n $want && $want == "$sha" ]] ||
    fail "ground truth: $CACHE/$KPREFIX$k/vmlinux.btf (sha256 ${sha:-none}) is not the BTF the VM serves (${want:-none})"
  declare -A onlive=()
  while read -r name verdict; do onlive[$name]=$verdict; done < <(jq -r \
    '.results[]? | "\(.object | split("/") | last | rtrimstr(".o")) \(.compatible)"' "$OUT/$KPREFIX$k.gt_live.json")
  : >"$tsv"
  while read -r name rc rest; do
    [[ $name == gt_* ]] || continue
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
  ((n == ${#GT_OBJECTS[@]})) || fail "ground truth: gt_loads reported $n of ${#GT_OBJECTS[@]} objects (see $loads)"
  GT_SUMMARY="ground truth $n objects: offline $agree_off/$n, --live $agree_live/$n agree with prog loadall"
}
