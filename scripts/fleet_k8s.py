#!/usr/bin/env python3
"""Checks contrib/kubernetes/ebpfctl-check.yaml for real (run by scripts/test-fleet.sh, in its venv).

    fleet_k8s.py MANIFEST BINARY

1. Schema: every document validates, strictly (no unknown field), against the Kubernetes JSON schemas that the
   kubernetes-validate package ships, for every Kubernetes minor version it carries; a copy with a misspelt field
   must be refused, so the validator is known to be working (offline: the schemas are in the package).
2. Fields: what the schemas cannot say: the API server's cross-field rules this pod touches, and the
   security choices README "Fleet and CI" documents (capabilities, host namespaces, read-only host mounts).
3. The pod, run: the check container is started the way a container runtime starts it, from the manifest alone:
   its own mount, UTS, IPC and (unless hostNetwork) network namespaces, the host's PID namespace only with
   hostPID, a root file system holding nothing but the binary at the command's path (the FROM scratch image),
   fresh proc and read-only sysfs, each hostPath volume bind-mounted (read-only where the manifest says so), and a
   capability bounding set of exactly the capabilities the manifest adds. Its JSON must say pass. Variants with
   one privilege taken away must stop exactly the probes README names for that privilege from passing (status
   permission for a capability, fail for the PID namespace), so each one is shown to be needed.

Prints one line per check, "ok: ..." or "FAIL: ...", and exits 1 when a check failed.
"""

import copy
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPECTED_CAPS = ["BPF", "PERFMON", "NET_ADMIN", "SYS_ADMIN"]
# Probes that compare the kernel's view of the calling thread with the process's own (getpid()); kprobe and fentry
# only count where the kernel offers them (this VM's refuses both: unsupported).
PID_PROBES = {"core_task_struct", "tracepoint", "perf_buffer", "ringbuf", "raw_tracepoint", "kprobe", "fentry"}
TEST_RUN_PROBES = {"test_run_xdp", "test_run_socket_filter"}

failures = 0


def report(ok, what, detail=""):
    global failures
    if ok:
        print(f"ok: {what}")
    else:
        failures += 1
        print(f"FAIL: {what}{': ' + detail if detail else ''}")


def load(path):
    import yaml

    with open(path) as f:
        text = f.read()
    return text, [d for d in yaml.safe_load_all(text) if d]


def check_schema(docs):
    import kubernetes_validate.utils as kv

    versions = sorted(set(kv.all_versions()), key=lambda v: tuple(map(int, v.split("."))))
    for doc in docs:
        bad = []
        for version in versions:
            try:
                kv.validate(doc, version, strict=True)
            except kv.ValidationError as e:
                bad.append(f"{version}: {e.message}")
        report(
            not bad,
            f"schema: {doc['kind']} {doc['metadata']['name']} validates strictly against Kubernetes "
            f"{versions[0]} .. {versions[-1]} ({len(versions)} versions)",
            "; ".join(bad),
        )
    daemonset = copy.deepcopy(next(d for d in docs if d["kind"] == "DaemonSet"))
    daemonset["spec"]["template"]["spec"]["hostPid"] = daemonset["spec"]["template"]["spec"].pop("hostPID")
    try:
        kv.validate(daemonset, kv.latest_version(), strict=True)
        refused = False
    except kv.ValidationError:
        refused = True
    report(refused, "schema: the validator refuses a misspelt field (hostPid), so it is really checking")


def pod_parts(docs):
    daemonset = next(d for d in docs if d["kind"] == "DaemonSet")
    spec = daemonset["spec"]["template"]["spec"]
    check = next(c for c in spec["initContainers"] if c["name"] == "check")
    return daemonset, spec, check


def check_fields(text, docs):
    namespace = next(d for d in docs if d["kind"] == "Namespace")
    daemonset, spec, check = pod_parts(docs)
    labels = namespace["metadata"].get("labels", {})
    report(
        labels.get("pod-security.kubernetes.io/enforce") == "privileged",
        "fields: the namespace admits the pod (Pod Security level privileged: hostPID, hostPath, added capabilities)",
    )
    report(daemonset["metadata"]["namespace"] == namespace["metadata"]["name"], "fields: the DaemonSet is in it")
    selector = daemonset["spec"]["selector"]["matchLabels"]
    template_labels = daemonset["spec"]["template"]["metadata"]["labels"]
    report(
        all(template_labels.get(k) == v for k, v in selector.items()),
        "fields: the selector matches the pod template's labels (the API refuses a DaemonSet otherwise)",
    )
    report(check["command"][1:] == ["-j", "check"], "fields: the check container runs `ebpfctl -j check`")
    sc = check["securityContext"]
    caps = sc["capabilities"]
    report(caps.get("drop") == ["ALL"], "fields: the check container drops every capability first")
    report(
        caps.get("add") == EXPECTED_CAPS,
        f"fields: and adds exactly {', '.join(EXPECTED_CAPS)}",
        str(caps.get("add")),
    )
    uncommented = [c for c in caps.get("add", []) if not re.search(rf"^\s*# {c}: \S", text, re.M)]
    report(not uncommented, "fields: each added capability has a comment saying why", str(uncommented))
    report(sc.get("privileged") is False, "fields: the container is not privileged")
    # ValidateSecurityContext in the API server: allowPrivilegeEscalation=false with CAP_SYS_ADMIN is refused.
    report(
        not ("SYS_ADMIN" in caps.get("add", []) and sc.get("allowPrivilegeEscalation") is False),
        "fields: allowPrivilegeEscalation is not false beside SYS_ADMIN (the API refuses the pair)",
    )
    report(sc.get("runAsUser") == 0, "fields: runs as uid 0 (no ambient capabilities in Kubernetes)")
    report(sc.get("readOnlyRootFilesystem") is True, "fields: read-only root file system")
    report(spec.get("hostPID") is True, "fields: hostPID (the probes compare the kernel's pid with getpid())")
    report(not spec.get("hostNetwork"), "fields: no hostNetwork")
    report(not spec.get("hostIPC"), "fields: no hostIPC")
    report(spec.get("securityContext", {}).get("seccompProfile", {}).get("type") == "RuntimeDefault",
           "fields: seccomp profile RuntimeDefault")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = [m for c in spec["initContainers"] + spec["containers"] for m in c.get("volumeMounts", [])]
    report(all(m["name"] in volumes for m in mounts), "fields: every volume mount names a declared volume")
    host_mounts = [m for m in mounts if "hostPath" in volumes.get(m["name"], {})]
    report(
        host_mounts and all(m.get("readOnly") is True for m in host_mounts),
        "fields: every hostPath volume is mounted read-only",
        str([m["name"] for m in host_mounts if not m.get("readOnly")]),
    )
    report(
        {volumes[m["name"]]["hostPath"]["path"] for m in host_mounts} == {"/sys/fs/bpf", "/sys/kernel/tracing"},
        "fields: the host mounts are bpffs and tracefs, nothing else",
    )
    for c in spec["containers"]:
        csc = c.get("securityContext", {})
        report(
            csc.get("capabilities", {}).get("drop") == ["ALL"] and not csc.get("capabilities", {}).get("add")
            and csc.get("runAsNonRoot") is True and csc.get("allowPrivilegeEscalation") is False,
            f"fields: container {c['name']} holds no privilege",
        )


CLONE_NEWNS = 0x00020000
PR_CAPBSET_DROP = 24
CAP_NUMBERS = {"NET_ADMIN": 12, "SYS_ADMIN": 21, "PERFMON": 38, "BPF": 39}


def enter(plan):
    """Runs inside the new namespaces (see run_pod): lays out the container's mounts, then execs its command."""
    root = plan["root"]

    def sh(*argv):
        subprocess.run(argv, check=True)

    sh("mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", f"{root}/proc")
    # A runtime's readonlyPaths: /proc/sys is read-only in a container.
    sh("mount", "--bind", f"{root}/proc/sys", f"{root}/proc/sys")
    sh("mount", "-o", "remount,bind,ro", f"{root}/proc/sys")
    sh("mount", "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", f"{root}/sys")
    for host_path, mount_path, read_only in plan["mounts"]:
        sh("mount", "--bind", host_path, f"{root}{mount_path}")
        if read_only:
            sh("mount", "-o", "remount,bind,ro", f"{root}{mount_path}")
    os.chroot(root)
    os.chdir("/")
    libc = ctypes.CDLL(None, use_errno=True)
    keep = {CAP_NUMBERS[c] for c in plan["caps"]}
    with open("/proc/self/status") as f:
        status = f.read()
    # With an empty inheritable set, exec as root gives permitted = effective = the bounding set.
    if not re.search(r"^CapInh:\s*0+$", status, re.M):
        sys.exit("enter: inheritable capabilities are not empty")
    last_cap = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last_cap + 1):
        if cap not in keep and libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            sys.exit(f"enter: PR_CAPBSET_DROP {cap}: {os.strerror(ctypes.get_errno())}")
    os.execv(plan["command"][0], plan["command"])


def run_pod(docs, binary, workdir, caps=None, host_pid=None, volumes=True):
    """Starts the check container as the manifest describes it; returns (exit code, JSON report or None, stderr)."""
    _, spec, check = pod_parts(docs)
    caps = check["securityContext"]["capabilities"]["add"] if caps is None else caps
    host_pid = spec.get("hostPID", False) if host_pid is None else host_pid
    root = tempfile.mkdtemp(dir=workdir, prefix="rootfs.")
    exe = check["command"][0]
    os.makedirs(os.path.dirname(f"{root}{exe}"), exist_ok=True)
    shutil.copy2(binary, f"{root}{exe}")
    for d in ("proc", "sys"):
        os.mkdir(f"{root}/{d}")
    declared = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = [
        (declared[m["name"]]["hostPath"]["path"], m["mountPath"], bool(m.get("readOnly")))
        for m in check.get("volumeMounts", [])
        if volumes and "hostPath" in declared[m["name"]]
    ]
    unshare = ["unshare", "--mount", "--uts", "--ipc", "--propagation", "private"]
    if not spec.get("hostNetwork"):
        unshare.append("--net")
    if not host_pid:
        unshare += ["--pid", "--fork"]
    plan = {"root": root, "mounts": mounts, "caps": caps, "command": check["command"]}
    run = subprocess.run(
        unshare + ["--", sys.executable, os.path.abspath(__file__), "--enter", json.dumps(plan)],
        capture_output=True, text=True, timeout=120,
    )
    try:
        out = json.loads(run.stdout)
    except ValueError:
        out = None
    return run.returncode, out, run.stderr


def lost_probes(out, passing):
    """The probes that passed in the pod as specified and do not pass here, with the status each one got now."""
    if not out:
        return None
    return {p["name"]: p["status"] for p in out["probes"] if p["name"] in passing and p["status"] != "pass"}


def only(statuses, lost, exempt=()):
    """Whether every lost probe (but `exempt`) got one of `statuses`."""
    return lost is not None and all(s in statuses for n, s in lost.items() if n not in exempt)


def kernel_at_least(major, minor):
    m = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(m.group(1)), int(m.group(2))) >= (major, minor)


def check_pod(docs, binary, workdir):
    _, _, check = pod_parts(docs)
    added = check["securityContext"]["capabilities"]["add"]
    rc, out, err = run_pod(docs, binary, workdir)
    ok = rc == 0 and out and out["verdict"] == "pass"
    report(ok, "pod: the check container as specified passes (exit 0, verdict pass)", f"rc {rc}: {out or err}")
    if not ok:
        return
    probes = {p["name"]: p for p in out["probes"]}
    pid_probes = {name for name in PID_PROBES if probes[name]["status"] == "pass"}
    held = "effective capabilities: " + ",".join("CAP_" + c for c in added)
    report(probes["privileges"]["detail"] == held, f"pod: it held exactly the manifest's capabilities ({held})",
           probes["privileges"]["detail"])
    report(out["kernel"]["release"] == os.uname().release, "pod: its report names this kernel")
    for name in ("bpffs", "tracefs"):
        report(probes[name]["detail"].startswith("mounted at"), f"pod: {name} came from the host volume",
               probes[name]["detail"])
    report(probes["jit"]["status"] == "pass", "pod: jit is not called missing from the pod's network namespace",
           probes["jit"]["detail"])

    # A missing capability must read as kind permission, never as a failure of the kernel (README "check"); a
    # missing host PID namespace is a wrong answer from the kernel's point of view: fail.
    passing = {name for name, p in probes.items() if p["status"] == "pass"}
    narrow = [c for c in added if c != "SYS_ADMIN"]
    _, out, err = run_pod(docs, binary, workdir, caps=narrow)
    lost = lost_probes(out, passing)
    # Linux 6.16 refuses uprobe perf events without CAP_SYS_ADMIN; older kernels may or may not (stable backports).
    expected = [{"uprobe"}] if kernel_at_least(6, 16) else [set(), {"uprobe"}]
    report(lost is not None and set(lost) in expected and only({"permission"}, lost),
           "pod: without SYS_ADMIN " + ("only uprobe" if len(expected) == 1 else "nothing or only uprobe")
           + " stops passing, as permission", f"{lost} {err}")
    _, out, err = run_pod(docs, binary, workdir, caps=[c for c in narrow if c != "NET_ADMIN"])
    lost = lost_probes(out, passing)
    report(lost is not None and TEST_RUN_PROBES <= set(lost) <= TEST_RUN_PROBES | {"uprobe"}
           and only({"permission"}, lost),
           "pod: without NET_ADMIN (and SYS_ADMIN) the test_run probes stop passing too, as permission", f"{lost} {err}")
    _, out, err = run_pod(docs, binary, workdir, caps=["BPF"])
    lost = lost_probes(out, passing)
    report(lost is not None and lost.get("privileges") == "fail" and pid_probes <= set(lost)
           and only({"permission"}, lost, exempt={"privileges"}),
           "pod: with BPF alone (no PERFMON) privileges fails and the tracing probes are permission", f"{lost} {err}")
    _, out, err = run_pod(docs, binary, workdir, host_pid=False)
    lost = lost_probes(out, passing)
    report(lost is not None and set(lost) == pid_probes and only({"fail"}, lost),
           f"pod: without hostPID exactly {', '.join(sorted(pid_probes))} fail", f"{lost} {err}")
    _, out, err = run_pod(docs, binary, workdir, caps=narrow, volumes=False)
    lost = lost_probes(out, passing)
    report(lost is not None and lost.get("bpffs") == "permission" and lost.get("tracefs") == "permission",
           "pod: without the host volumes (and SYS_ADMIN to mount its own) bpffs and tracefs are permission",
           f"{lost} {err}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--enter":
        enter(json.loads(sys.argv[2]))
    if len(sys.argv) != 3:
        sys.exit("usage: fleet_k8s.py MANIFEST BINARY")
    manifest, binary = sys.argv[1:]
    text, docs = load(manifest)
    check_schema(docs)
    check_fields(text, docs)
    with tempfile.TemporaryDirectory(prefix="ebpfctl-k8s.") as workdir:
        check_pod(docs, binary, workdir)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
