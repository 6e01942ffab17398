#!/usr/bin/env python3
"""A mutation campaign against every command that hands a BPF object (or BTF) to libbpf or parses it.

Each round takes a compiled fixture (target/<triple>/tmp/bpf-fixtures, built by the test suite), damages it at
random (bytes flipped anywhere, the file cut short, or the ELF header scrambled) and runs one command on it. A
round passes when the command gives a result (exit 0), a verdict (1) or one `ebpfctl: <object>: <reason>` line
(detail lines indented under it) with exit 2, within 60 s, with no control character on stderr. Failing inputs
are kept as /tmp/mutate-objects-ROUND.o; what `struct_ops register` registered is unregistered after its round.
tests/inspect_bad_input.rs runs 150 rounds of the same kind in the suite.

Usage: scripts/mutate-objects.py EBPFCTL [SEED] [ROUNDS]      (root: some commands load; default seed 1, 2000)
"""

import glob
import json
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIN = "/sys/fs/bpf/ebpfctl-mutate"
WORK = "/tmp/mutate-objects.o"


def commands(fixture_dir):
    demo = os.path.join(fixture_dir, "skel_demo.bpf.o")
    return [
        ["gen", "skeleton", "-L", "{}"],
        ["gen", "subskeleton", "{}"],
        ["-j", "compat", "check", "{}"],
        ["-j", "compat", "check", demo, "--btf", "{}"],
        ["-j", "inspect", "{}"],
        ["-j", "inspect", "{}", "relocs"],
        ["-j", "inspect", "{}", "btf"],
        ["prog", "loadall", "{}", PIN],
        ["prog", "loadall", "{}", PIN, "-L"],
        ["gen", "object", "/tmp/mutate-objects-out.o", "{}"],
        ["-j", "btf", "dump", "file", "{}"],
        ["gen", "min_core_btf", "/sys/kernel/btf/vmlinux", "/tmp/mutate-objects.btf", "{}"],
        ["btf", "minimize", "--btf", "{}", "-o", "/tmp/mutate-objects2.btf", demo],
        ["struct_ops", "register", "{}"],
    ]


def damage(rng, data):
    mode = rng.random()
    if mode < 0.6:
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif mode < 0.8:
        del data[rng.randrange(len(data)):]
    else:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(min(len(data), 0x200))] = rng.randrange(256)
    return data


def acceptable(code, err):
    if code not in (0, 1, 2) or "panicked" in err:
        return False
    if any(c != "\n" and (ord(c) < 0x20 or ord(c) == 0x7f) for c in err):
        return False
    if code != 2:
        return True
    lines = [line for line in err.split("\n") if line]
    return bool(lines) and lines[0].startswith("ebpfctl: ") and all(line.startswith(" ") for line in lines[1:])


def struct_ops_ids(ebpfctl):
    run = subprocess.run([ebpfctl, "-j", "struct_ops", "show"], capture_output=True, text=True)
    try:
        return {m["id"] for m in json.loads(run.stdout)}
    except (ValueError, KeyError, TypeError):
        return set()


def unregister_new(ebpfctl, before):
    """`struct_ops register` leaves what it registered in place, as it should: unregistered here."""
    for map_id in struct_ops_ids(ebpfctl) - before:
        subprocess.run([ebpfctl, "struct_ops", "unregister", "id", str(map_id)], capture_output=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ebpfctl = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    fixture_dirs = glob.glob(os.path.join(ROOT, "target", "*", "tmp", "bpf-fixtures"))
    fixtures = sorted(glob.glob(os.path.join(fixture_dirs[0], "*.o"))) if fixture_dirs else []
    if not fixtures:
        print("mutate-objects: no compiled fixtures (run the test suite once)", file=sys.stderr)
        return 2
    lines = commands(fixture_dirs[0])
    bad, codes = 0, {}
    registered = struct_ops_ids(ebpfctl)
    for n in range(rounds):
        src = rng.choice(fixtures)
        with open(src, "rb") as f:
            data = damage(rng, bytearray(f.read()))
        with open(WORK, "wb") as f:
            f.write(data)
        args = [a.replace("{}", WORK) for a in rng.choice(lines)]
        try:
            run = subprocess.run([ebpfctl] + args, capture_output=True, timeout=60)
            code, err = run.returncode, run.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            code, err = "timeout", ""
        finally:
            shutil.rmtree(PIN, ignore_errors=True)
            if "struct_ops" in args:
                unregister_new(ebpfctl, registered)
        codes[code] = codes.get(code, 0) + 1
        if code == "timeout" or not acceptable(code, err):
            bad += 1
            kept = f"/tmp/mutate-objects-{n}.o"
            shutil.copy(WORK, kept)
            print(f"round {n}: {os.path.basename(src)} {args[:4]}: exit {code}: {err[-300:]!r} (kept {kept})")
    print(f"mutate-objects: {rounds} rounds, {bad} bad, exits {codes}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
