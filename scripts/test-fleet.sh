#!/usr/bin/env bash
# The fleet recipes of contrib/ run for real (README "Fleet and CI"); part of `make test`.
#
#   scripts/test-fleet.sh BINARY          BINARY: target/<triple>/release/ebpfctl of this machine's architecture
#
# Ansible: ansible-core from PyPI in a venv cached in ${EBPFCTL_FLEET_VENV:-/var/cache/ebpfctl/fleet-venv} (built
# from scripts/fleet-requirements.txt when missing or when that file changed). contrib/ansible/check.yml runs
# against an inventory of local hosts (ansible_connection=local): `localhost`, which must come back with a report
# whose verdict is pass and whose kernel release is `uname -r`, and three hosts that must not: one whose binary is
# missing, one with no binary for its architecture (both must fail with a clear message), one whose "ebpfctl"
# exits 2 with an error object (its verdict must be error). A second run on localhost alone must exit 0 and copy
# nothing (run with --limit: the summary must cover that host only). Kubernetes: scripts/fleet_k8s.py validates and runs contrib/kubernetes/ebpfctl-check.yaml.
#
# Output lands in ${EBPFCTL_FLEET_OUT:-<repo>/target/fleet}/. The last line is `fleet: N passed, N failed`; exit 0
# when none failed, 1 otherwise, 2 on a set-up error.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -eq 1 && -x $1 ]] || { echo "usage: $0 BINARY (an executable ebpfctl)" >&2; exit 2; }
binary=$(realpath "$1")
# BINARY is <target dir>/<triple>/release/ebpfctl: the playbook finds it by architecture from the target dir.
target_dir=$(dirname "$(dirname "$(dirname "$binary")")")
venv=${EBPFCTL_FLEET_VENV:-/var/cache/ebpfctl/fleet-venv}
out=${EBPFCTL_FLEET_OUT:-$repo/target/fleet}
requirements=$repo/scripts/fleet-requirements.txt

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1${2:+: $2}"; failed=$((failed + 1)); }
expect() { # expect DESCRIPTION COMMAND...: one check, passed when COMMAND succeeds
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}

# The venv: Debian's python3 (scripts/setup.sh installs it with python3-venv), rebuilt when the pins change.
stamp=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" != "$stamp" ]] ||
  ! "$venv/bin/python" -c 'import ansible, kubernetes_validate' 2>/dev/null; then
  echo "test-fleet: building the venv in $venv" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir -r "$requirements"
  echo "$stamp" >"$venv/.requirements-sha256"
fi
python=$venv/bin/python

rm -rf "$out"
mkdir -p "$out/remote" "$out/missing"
# A stand-in for a host where ebpfctl cannot do its job: the error object and exit status 2, as ebpfctl gives them.
cat >"$out/failing-ebpfctl" <<'EOF'
#!/bin/sh
echo '{"error": "simulated failure", "kind": "kernel"}'
echo 'ebpfctl: check: simulated failure' >&2
exit 2
EOF
chmod 755 "$out/failing-ebpfctl"

host() { # host NAME EXTRA-VARS...: one local host of the inventory, with its own directory for the binary
  local name=$1
  shift
  printf '    %s:\n      ebpfctl_remote_dir: %s\n' "$name" "$out/remote/$name"
  printf '      %s\n' "$@"
}
{
  echo "all:"
  echo "  vars:"
  echo "    ansible_connection: local"
  echo "    ansible_python_interpreter: $python"
  echo "    ebpfctl_become: false  # already root, and no sudo here"
  echo "  hosts:"
  host localhost "ebpfctl_target_dir: $target_dir"
  host no-binary "ebpfctl_binaries: {$(uname -m): $out/missing/ebpfctl}"
  host other-arch "ebpfctl_binaries: {not-$(uname -m): $binary}"
  host failing "ebpfctl_binaries: {$(uname -m): $out/failing-ebpfctl}"
} >"$out/inventory.yml"

playbook() { # playbook LOG ARGS...: ansible-playbook, its exit status returned, its output in LOG
  ANSIBLE_HOME=$out/ansible-home ANSIBLE_REMOTE_TMP=$out/ansible-tmp ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
    "$venv/bin/ansible-playbook" -i "$out/inventory.yml" "$repo/contrib/ansible/check.yml" \
    -e ebpfctl_report_dir="$out/reports" "${@:2}" >"$1" 2>&1
}

t0=$SECONDS
rc=0
playbook "$out/run1.log" -e ebpfctl_feature_probe=true -e ebpfctl_prog_show=true || rc=$?
reports=$out/reports
r=$reports/localhost.json
[[ $rc -eq 2 ]] && ok "ansible: a run with failing hosts exits 2" || bad "ansible: a run with failing hosts exits 2" "got $rc"
expect "ansible: localhost's report has verdict pass" jq -e '.verdict == "pass" and .check.verdict == "pass" and .exit.check == 0' "$r"
expect "ansible: its kernel release is uname -r ($(uname -r))" jq -e --arg k "$(uname -r)" '.check.kernel.release == $k' "$r"
expect "ansible: its arch is the host's, and the binary built for it ran" \
  jq -e --arg a "$(uname -m)" '.arch == $a and .check.kernel.arch == $a and (.version.target | startswith($a))' "$r"
expect "ansible: the host got the very binary given" \
  test "$(sha256sum <"$binary")" = "$(sha256sum <"$out/remote/localhost/ebpfctl")"
expect "ansible: feature probe has bpftool's top-level keys" \
  jq -e '.feature_probe | keys == ["helpers","map_types","misc","program_types","syscall_config","system_config"]' "$r"
expect "ansible: prog show is an array" jq -e '.prog_show | type == "array"' "$r"
expect "ansible: a missing binary fails its host, naming host, arch and path" \
  grep -q "the $(uname -m) binary for host no-binary is missing: $out/missing/ebpfctl does not exist" "$out/run1.log"
expect "ansible: a host of an architecture with no binary fails, saying so" \
  grep -q "no binary configured for architecture $(uname -m) of host other-arch" "$out/run1.log"
expect "ansible: an ebpfctl error gives verdict error, with its error object and exit status" \
  jq -e '.verdict == "error" and .check.kind == "kernel" and .exit.check == 2' "$reports/failing.json"
expect "ansible: hosts that never ran ebpfctl leave no report" \
  test ! -e "$reports/no-binary.json" -a ! -e "$reports/other-arch.json"
expect "ansible: summary.json has one row per host with its verdict" \
  jq -e --arg k "$(uname -r)" '(map({(.host): .verdict}) | add) == {"localhost": "pass", "no-binary": "no report",
    "other-arch": "no report", "failing": "error"} and (.[0].host == "localhost" and .[0].kernel == $k)' \
  "$reports/summary.json"
expect "ansible: summary.md is the same table" \
  grep -Eq "^\| localhost \| $(uname -m) \| $(uname -r) \| pass \| [0-9]+ \| 0 \| 0 \| [0-9]+ \|  \|$" "$reports/summary.md"
expect "ansible: the summary gives ebpfctl's error as the failing host's reason" \
  grep -q "^| failing | $(uname -m) |  | error |  |  |  |  | simulated failure |$" "$reports/summary.md"
expect "ansible: the run fails naming the hosts that did not pass" \
  grep -q "ebpfctl check did not pass on: no-binary, other-arch, failing" "$out/run1.log"
t1=$SECONDS

rc=0
playbook "$out/run2.log" --limit localhost || rc=$?
[[ $rc -eq 0 ]] && ok "ansible: a run on passing hosts exits 0" || bad "ansible: a run on passing hosts exits 0" "got $rc"
expect "ansible: a second run copies nothing" \
  grep -Pzq 'TASK \[ebpfctl_check : Copy the static binary[^\n]*\n(ok|skipping): \[localhost\]' "$out/run2.log"
expect "ansible: the summary covers the hosts of --limit only" \
  jq -e 'map(.host) == ["localhost"]' "$reports/summary.json"
expect "ansible: without the options the report has check only" \
  jq -e '.verdict == "pass" and (has("feature_probe") | not) and (has("prog_show") | not)' "$r"
t2=$SECONDS

"$python" "$repo/scripts/fleet_k8s.py" "$repo/contrib/kubernetes/ebpfctl-check.yaml" "$binary" \
  >"$out/k8s.log" 2>&1 || true
cat "$out/k8s.log"
passed=$((passed + $(grep -c '^ok: ' "$out/k8s.log" || true)))
failed=$((failed + $(grep -c '^FAIL: ' "$out/k8s.log" || true)))
# A crash of the script would print neither: count it as a failure.
grep -q '^Traceback' "$out/k8s.log" && failed=$((failed + 1))

echo "test-fleet: ansible $((t1 - t0)) s + $((t2 - t1)) s, kubernetes $((SECONDS - t2)) s; logs in $out"
echo "fleet: $passed passed, $failed failed"
((failed == 0))
