#!/usr/bin/env python3
"""Random CO-RE guards: `compat check`'s offline verdict must be the running kernel's load.

usage: random-core-guards.py EBPFCTL SEED ROUNDS [KEEP_DIR]
       (BPF_INCLUDES: directories holding bpf/bpf_helpers.h, colon-separated; BPF_CLANG: clang-19 unless set)

Each round writes a BPF object the way portable tracing tools are written: reads of kernel fields through
BPF_CORE_READ, some of fields this kernel has, some of fields it lacks (a flavor type's `state` of pre-5.14
kernels, names no kernel has), each behind guards of the kinds real tools use or none: bpf_core_field_exists,
bpf_core_type_exists, bpf_core_enum_value_exists, bpf_core_field_size and bpf_core_type_size compared, a weak
kfunc's bpf_ksym_exists, a `const volatile` switch in .rodata, LINUX_KERNEL_VERSION; combined with && and ||,
negated, kept in a variable for later, as an early return, a ternary, inside a loop, and in static and global
subprograms (a static one called with a constant the verifier follows into it). Relocated values that cannot be
satisfied (a missing field's offset, a missing enumerator's value, a missing type's size, a missing weak kfunc's
call) are poisoned by libbpf, so the object loads only if the verifier never reaches one of them.

The truth is `bpftool prog loadall` of the object on this kernel. `ebpfctl -j compat check OBJ --btf
/sys/kernel/btf/vmlinux` (offline: BTF, relocations and the reachability walk, no trial load) must agree, and so
must the default `compat check OBJ` (the running kernel, probes and trial loads). A disagreement is listed with the
object's name (kept with its source and both answers in KEEP_DIR). The last line is a JSON summary; exit 1 on any
disagreement.
"""
import json
import os
import random
import shutil
import subprocess
import sys

BPFFS = f"/sys/fs/bpf/ebpfctl-random-guards-{os.getpid()}"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Fields of task_struct every kernel since 5.10 has, and reads that need a pointer hop.
PRESENT_READS = ["BPF_CORE_READ(t, pid)", "BPF_CORE_READ(t, tgid)", "BPF_CORE_READ(t, prio)",
                 "BPF_CORE_READ(t, real_parent, tgid)", "BPF_CORE_READ(t, flags)", "BPF_CORE_READ(t, __state)"]
# Flavor fields no kernel of 6.18 has: the pre-5.14 `state`, and made-up names.
MISSING_FIELDS = ["state", "rg_missing_a", "rg_missing_b"]
HEADER = """\
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___rg {
	long state;
	int rg_missing_a;
	unsigned long long rg_missing_b;
} __attribute__((preserve_access_index));

struct rg_no_such_type {
	int x;
} __attribute__((preserve_access_index));

enum bpf_func_id___rg {
	BPF_FUNC_rg_no_such_helper___rg = 4000,
	BPF_FUNC_get_func_ip___rg = 173,
};

struct trace_event_raw_sched_switch___rg {
	int rg_gone;
} __attribute__((preserve_access_index));

enum rg_no_such_enum {
	RG_NO_SUCH_VALUE = 1,
};

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern void bpf_rg_no_such_kfunc(void) __ksym __weak;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;

__u64 out[16];
"""


class Gen:
    """One random object's C source; `truth` records nothing: the kernel decides."""

    def __init__(self, rng):
        self.rng = rng
        self.flags = []
        self.funcs = []
        self.nout = 0

    def out(self):
        self.nout += 1
        return f"out[{self.nout % 16}]"

    def atom(self):
        """A condition a CO-RE relocation or a frozen constant decides."""
        r = self.rng
        kind = r.randrange(10)
        if kind == 0:
            return f"bpf_core_field_exists(t->{r.choice(['pid', '__state', 'tgid'])})"
        if kind == 1:
            return f"bpf_core_field_exists(((struct task_struct___rg *)t)->{r.choice(MISSING_FIELDS)})"
        if kind == 2:
            return r.choice(["bpf_core_type_exists(struct rg_no_such_type)", "bpf_core_type_exists(struct task_struct)",
                             "bpf_core_type_exists(struct trace_event_raw_sched_switch)"])
        if kind == 3:
            return r.choice(["bpf_core_enum_value_exists(enum bpf_func_id___rg, BPF_FUNC_rg_no_such_helper___rg)",
                             "bpf_core_enum_value_exists(enum bpf_func_id___rg, BPF_FUNC_get_func_ip___rg)",
                             "bpf_core_enum_value_exists(enum rg_no_such_enum, RG_NO_SUCH_VALUE)"])
        if kind == 4:
            return r.choice(["bpf_core_field_size(t->__state) == 4", "bpf_core_field_size(t->pid) == 8",
                             "bpf_core_type_size(struct task_struct) > 64", "bpf_core_type_size(struct rg_no_such_type)"])
        if kind == 5:
            return r.choice(["bpf_ksym_exists(bpf_rg_no_such_kfunc)", "bpf_ksym_exists(bpf_task_acquire)"])
        if kind == 6:
            name = f"rg_flag{len(self.flags)}"
            self.flags.append((name, r.randrange(2)))
            return name
        if kind == 7:
            return r.choice(["LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 14, 0)",
                             "LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 14, 0)"])
        if kind == 8:
            if r.randrange(3) == 0:
                return r.choice(["LINUX_HAS_BPF_COOKIE", "bpf_ksym_exists(bpf_task_release)",
                                 "bpf_core_field_exists(struct trace_event_raw_sched_switch, prev_state)",
                                 "bpf_core_field_exists(struct trace_event_raw_sched_switch___rg, rg_gone)"])
            return f"!({self.atom()})"
        return f"({self.atom()} {r.choice(['&&', '||'])} {self.atom()})"

    def read(self):
        """A value read: from a field this kernel has, or one whose relocation is poisoned here."""
        r = self.rng
        kind = r.randrange(14)
        if kind < 3 or kind > 8:
            return r.choice(PRESENT_READS)
        if kind == 3:
            return f"BPF_CORE_READ((struct task_struct___rg *)t, {r.choice(MISSING_FIELDS)})"
        if kind == 4:
            return r.choice(["bpf_core_field_offset(((struct task_struct___rg *)t)->rg_missing_a)",
                             "bpf_core_field_offset(t->tgid)"])
        if kind == 5:
            return r.choice(["bpf_core_enum_value(enum bpf_func_id___rg, BPF_FUNC_rg_no_such_helper___rg)",
                             "bpf_core_enum_value(enum bpf_func_id___rg, BPF_FUNC_get_func_ip___rg)"])
        if kind == 6:
            return r.choice(["bpf_core_type_size(struct rg_no_such_type)", "bpf_core_type_size(struct task_struct)"])
        if kind == 7:
            return "(bpf_rg_no_such_kfunc(), 1)"
        return f"BPF_CORE_READ((struct task_struct___rg *)t, {r.choice(MISSING_FIELDS)}) + {r.choice(PRESENT_READS)}"

    def stmt(self, depth=0):
        r = self.rng
        kind = r.randrange(12 if depth < 2 else 6)
        o = self.out()
        if kind == 9:
            # Kept on the stack: the verifier tracks a spilled constant, as it tracks a register.
            v = f"vhas{self.nout}"
            return (f"\tvolatile int {v} = {self.atom()};\n\t{o} = {r.choice(PRESENT_READS)};\n"
                    f"\tif ({v})\n\t\t{o} += {self.read()};\n")
        if kind == 10:
            name = f"rg_loop_cb{len(self.funcs)}"
            # A callback is verified when the helper that takes it is reached.
            self.funcs.append(f"static int {name}(__u32 i, void *data)\n{{\n"
                              "\tstruct task_struct *t = (void *)bpf_get_current_task();\n\n"
                              f"\tif ({self.atom()})\n\t\t{o} += {self.read()};\n\treturn 0;\n}}\n")
            return f"\tif ({self.atom()})\n\t\tbpf_loop({r.randrange(1, 4)}, {name}, NULL, 0);\n"
        if kind == 11:
            call = r.choice(["bpf_get_attach_cookie(ctx)", "bpf_get_func_ip(ctx)", "bpf_get_current_task_btf()->pid",
                             "bpf_get_smp_processor_id()"])
            return f"\tif ({self.atom()})\n\t\t{o} = {call};\n"
        if kind == 0:
            return f"\t{o} = {self.read()};\n"
        if kind == 1:
            s = f"\tif ({self.atom()})\n\t\t{o} = {self.read()};\n"
            if r.randrange(2):
                s += f"\telse\n\t\t{o} = {self.read()};\n"
            return s
        if kind == 2:
            return f"\t{o} = ({self.atom()}) ? {self.read()} : {self.read()};\n"
        if kind == 3:
            return f"\tif (!({self.atom()}))\n\t\treturn 0;\n\t{o} = {self.read()};\n"
        if kind == 4:
            v = f"has{self.nout}"
            return (f"\tint {v} = {self.atom()};\n\t{o} = {r.choice(PRESENT_READS)};\n"
                    f"\tif ({v})\n\t\t{o} += {self.read()};\n")
        if kind == 5:
            return (f"\tfor (int i = 0; i < {r.randrange(1, 5)}; i++) {{\n\t\tif ({self.atom()})\n"
                    f"\t\t\t{o} += {self.read()};\n\t}}\n")
        if kind == 6:
            return f"\tif ({self.atom()}) {{\n{self.stmt(depth + 1)}{self.stmt(depth + 1)}\t}}\n"
        if kind == 7:
            name = f"rg_static{len(self.funcs)}"
            # A static subprogram is verified in its caller's context: a constant argument prunes its branches.
            self.funcs.append(f"static __noinline __u64 {name}(struct task_struct *t, int on)\n{{\n"
                              f"\tif (on)\n\t\treturn {self.read()};\n\treturn 1;\n}}\n")
            return f"\t{o} = {name}(t, {self.atom()});\n"
        name = f"rg_global{len(self.funcs)}"
        # A global subprogram is verified once, on its own: its guards must hold without the caller's help.
        # It always reads its argument: clang passes nothing for one it ignores, and the kernel checks a global
        # function's arguments against its prototype ("R1 is not a scalar"), which the walk does not model.
        self.funcs.append(f"__noinline __u64 {name}(__u64 tv)\n{{\n\tstruct task_struct *t = (void *)tv;\n\n"
                          "\tout[0] = tv;\n"
                          f"{self.stmt(depth + 2).replace(chr(9) + 'return 0;', chr(9) + 'return 1;')}"
                          f"\treturn 2;\n}}\n")
        return f"\t{o} = {name}((__u64)t);\n"

    def source(self):
        progs = []
        for i in range(self.rng.randrange(1, 4)):
            sec = self.rng.choice(["raw_tp/sys_enter", "tp/syscalls/sys_enter_getpid", "tp_btf/sched_switch"])
            arg = "u64 *ctx" if sec.startswith("tp_btf") else "void *ctx"
            body = "".join(self.stmt() for _ in range(self.rng.randrange(1, 5)))
            progs.append(f'SEC("{sec}")\nint rg_prog{i}({arg})\n{{\n'
                         "\tstruct task_struct *t = (void *)bpf_get_current_task();\n\n"
                         f"{body}\treturn 0;\n}}\n")
        flags = "".join(f"const volatile int {n} = {v};\n" for n, v in self.flags)
        return HEADER + flags + "\n" + "\n".join(self.funcs + progs)


def run(args, timeout=120):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout}s"
    return p.returncode, p.stdout, p.stderr


def compile_object(src, c, o):
    with open(c, "w") as f:
        f.write(src)
    clang = os.environ.get("BPF_CLANG", "clang-19")
    includes = [f"-I{d}" for d in os.environ.get("BPF_INCLUDES", "").split(":") if d]
    return run([clang, "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_" + target_arch(), f"-I{ROOT}/bpf",
                *includes, "-c", c, "-o", o])


def target_arch():
    return {"x86_64": "x86", "aarch64": "arm64"}.get(os.uname().machine, "x86")


def loads(o):
    """The kernel's answer: bpftool loads every program and creates every map, as libbpf does for a tool."""
    shutil.rmtree(BPFFS, ignore_errors=True)
    os.makedirs(BPFFS)
    code, _, err = run(["bpftool", "prog", "loadall", o, f"{BPFFS}/p"])
    shutil.rmtree(BPFFS, ignore_errors=True)
    return code == 0, err.strip().splitlines()[-1:] if code else []


def verdict(ebpfctl, o, offline):
    args = [ebpfctl, "-j", "compat", "check", o] + (["--btf", "/sys/kernel/btf/vmlinux"] if offline else [])
    code, out, err = run(args)
    if code not in (0, 1):
        return None, f"exit {code}: {err.strip()}"
    doc = json.loads(out)
    reasons = [x for res in doc["results"] for x in res["reasons"]]
    reasons += [x for res in doc["results"] for p in res["programs"] for x in p["reasons"]]
    return doc["compatible"], "; ".join(reasons)[:400]


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    ebpfctl, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    keep = sys.argv[4] if len(sys.argv) == 5 else None
    rng = random.Random(seed)
    work = f"/tmp/ebpfctl-random-guards-{os.getpid()}"
    os.makedirs(work, exist_ok=True)
    summary = {"seed": seed, "rounds": rounds, "loaded": 0, "refused": 0, "offline_agree": 0, "live_agree": 0,
               "not_compiled": 0, "problems": 0}
    try:
        for i in range(rounds):
            name = f"rg_{seed}_{i}"
            c, o = f"{work}/{name}.bpf.c", f"{work}/{name}.bpf.o"
            src = Gen(rng).source()
            code, _, err = compile_object(src, c, o)
            if code != 0:
                summary["not_compiled"] += 1
                print(f"{name}: does not compile: {err.strip()[:300]}")
                continue
            ok, why = loads(o)
            summary["loaded" if ok else "refused"] += 1
            problems = []
            for mode, offline in (("offline", True), ("live", False)):
                said, reasons = verdict(ebpfctl, o, offline)
                if said is None:
                    problems.append(f"{mode}: {reasons}")
                elif said == ok:
                    summary[f"{mode}_agree"] += 1
                else:
                    problems.append(f"{mode} says {'compatible' if said else 'incompatible'} ({reasons}); "
                                    f"bpftool {'loads it' if ok else 'refuses it: ' + ' '.join(why)}")
            for p in problems:
                print(f"{name}: {p}")
            if problems:
                summary["problems"] += 1
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    shutil.copy(c, keep)
                    shutil.copy(o, keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(BPFFS, ignore_errors=True)
    print(json.dumps(summary))
    sys.exit(1 if summary["problems"] or summary["not_compiled"] else 0)


if __name__ == "__main__":
    main()
