#!/usr/bin/env python3
"""BPF objects nobody here wrote, checked against the kernel and bpftool.

Downloads Debian bookworm packages that ship compiled BPF objects (libbpf-tools' 59 tools, whose objects are
embedded in each executable as a libbpf skeleton; xdp-tools and libxdp, whose objects are files and skeletons;
cilium/ebpf's test objects, both byte orders; Performance Co-Pilot's BPF PMDA modules, skeletons in shared
objects; QEMU's virtio-net RSS steering program, a skeleton in the emulator, whose legacy `maps` section libbpf 1.0+
refuses, so that bookworm's QEMU cannot load it; xdp-tools' tests; Knot DNS's XDP program; v4l-utils' infrared
decoders), and Debian trixie's packages with kinds of object bookworm lacks (bpftune, systemd, Suricata, bpftop,
mimic, OAR, QEMU 10, Knot 3.4; with --all also its newer builds of the bookworm tools: TRIXIE_PACKAGES), and
extracts every distinct object; builds the BPF programs of four Rust tools and libbpf-rs's tests from their
crates' sources as their build scripts do (tracexec, lightswitch, below, bpfman, libbpf-rs: FROM_SOURCE); and for
each object:

  compat  `ebpfctl -j compat check OBJ` (the live kernel) against `bpftool prog loadall OBJ` (a real load; where
          bpftool 7.1's libbpf does not know a section, `ebpfctl prog loadall`, libbpf 1.7): the verdicts must agree.
          Each object is checked as its packager built it, run-time sizing and all.
  maps    for each object that loads: every map pinned by `bpftool prog loadall … pinmaps`, seeded with three
          entries by `bpftool map update`/`push` where user space can write them (random bits, text, small
          numbers, so every BTF kind in the tools' own key and value types is formatted), dumped by
          `ebpfctl -j map dump` and `bpftool -j map dump`; the JSON must be equal except where docs/map-json.md
          says ebpfctl differs on purpose (a ring buffer's dump); per-key error texts compare as they are.
  show    `ebpfctl -j prog show`/`map show` of each pinned program and map holds every field bpftool's does,
          with the same value (extras allowed; `loaded_at` within a second).
  entries the text `map dump` (but where ebpfctl explains an unreadable value), and `map lookup`/`getnext` of the
          first two keys, equal bpftool's.
  xlated  `prog dump xlated … linum -j` of each pinned program equals bpftool's JSON but
          for two bpftool 7.1 defects (PERCPU_MOV below, a backslash in JSON strings).
  btf     `btf dump id N` of each loaded object's BTF, raw text, JSON and C, equals bpftool's (C unsorted, as 7.1
          prints it; a sign-extended enum value in 7.1's JSON, as_bpftool_btf_json).
  order   big-endian objects (cilium's *-eb.elf) are not loadable here: compat must say so with exit 1, never 2.
  light   with LIGHT_CC and LIGHT_INCLUDES set (tests/real_objects.rs passes the C compiler and libbpf's
          headers): `ebpfctl gen skeleton -L` of each object, built into a loader calling NAME__open_and_load,
          must load where the real load does and fail where it fails (headers that name the tool's own types,
          which its loader includes first, are counted and skipped).

Prints one line per disagreement and a JSON summary as the last line; exits 1 on any disagreement.

Usage: scripts/real-objects.py check [--all] EBPFCTL [CACHE_DIR]     the checks above (root); CACHE_DIR keeps the
                                                                  downloads, default target/real-objects
       scripts/real-objects.py extract [--all] ARCH DIR [CACHE_DIR]  DIR/real_NAME.o for every little-endian object
                                                                  of Debian architecture ARCH (amd64, arm64): the
                                                                  kernel matrix's share of the corpus
       --all: every trixie package, not only TRIXIE_EVERY_RUN
"""

import glob
import hashlib
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

# Pinned versions: the verdicts below are for these bytes.
PACKAGES = [
    "libbpf-tools=0.26.0+ds-1",
    "xdp-tools=1.3.1-1",
    "libxdp1=1.3.1-1",
    "golang-github-cilium-ebpf-dev=0.9.1-1",
    "pcp=6.0.3-1.1",
    # xdp-tools' own test programs (an executable embedding four objects, three object files), Knot DNS's XDP
    # program (a skeleton in a shared library) and v4l-utils' infrared decoders (lirc_mode2 objects with a
    # legacy `maps` section of their own, which libbpf 1.0+ refuses).
    "xdp-tests=1.3.1-1",
    "libknot13=3.2.6-1",
    "ir-keytable=1.22.1-5+b2",
    # Unversioned: binNMUs of QEMU come and go on the mirror, and its BPF object is not compiled by the build but
    # checked into QEMU 7.2's source as a generated skeleton (ebpf/rss.bpf.skeleton.h): the same bytes in every
    # Debian revision of 7.2.
    "qemu-system-x86",
]
# Debian trixie's builds, fetched through a private apt state of their own (signed by the trixie keys that
# bookworm's debian-archive-keyring carries): newer clang and libbpf, and tools bookworm lacks. bpftune's tuners
# (each compiled three ways, fentry, kprobe "legacy" and no-BTF, the loader picking one for the kernel), systemd's
# BPF framework (socket-bind, restrict-ifaces, restrict-fs skeletons in libsystemd-core, maps sized by the
# manager), Suricata's XDP and socket filters (legacy `maps` sections), and the newer libbpf-tools, xdp-tools,
# libxdp and PCP. A pinned version that the mirror has dropped (a point release replaces it) falls back to the
# current one: the checks compare each object with its own real load, so the verdicts stay the kernel's.
TRIXIE_PACKAGES = [
    "libbpftune0=0.0~git20250314.8fd59cc-1",
    "libsystemd-shared=257.13-1~deb13u1",
    "suricata=1:7.0.10-1+deb13u4",
    "libbpf-tools=0.31.0+ds-7",
    "xdp-tools=1.5.4-1",
    "libxdp1=1.5.4-1",
    "pcp=6.3.8-1",
    # bpftop's task iterator (Rust, libbpf-rs skeleton); mimic's XDP and tc programs calling kfuncs of its own
    # kernel module; OAR's cgroup device filter (an object file); QEMU 10's RSS program; Knot DNS 3.4's XDP
    # program; xdp-tools' tests and v4l-utils' decoders as trixie builds them.
    "bpftop=0.5.2.20.gc23a822-2+b2",
    "mimic=0.7.0+ds-2",
    "oar-common=2.6.1-1+deb13u1",
    "qemu-system-x86=1:10.0.13+ds-0+deb13u1",
    "libknot15=3.4.6-2",
    "xdp-tests=1.5.4-1",
    "ir-keytable=1.30.1-1",
]
# Every run takes trixie's packages with kinds of object bookworm lacks (bpftune's three builds of one tuner,
# systemd's manager-sized maps, Suricata's legacy maps, bpftop's iterator, mimic's module kfuncs, OAR's device filter,
# QEMU 10's RSS program, Knot 3.4's XDP program); `--all` adds its newer builds of tools bookworm has (libbpf-tools,
# xdp-tools, libxdp, PCP, xdp-tests, v4l-utils: 110 objects, which agreed everywhere on 2026-12-07). Each object
# costs about half a second per kernel under emulation and a second here, and `make test` must stay well under 30
# minutes.
TRIXIE_EVERY_RUN = {"libbpftune0", "libsystemd-shared", "suricata", "bpftop", "mimic", "oar-common",
                    "qemu-system-x86", "libknot15"}
# Performance Co-Pilot's BPF PMDA: 14 modules (its own builds of libbpf-tools programs), each a shared object
# embedding its BPF object as a skeleton.
PCP_MODULES = "usr/lib/pcp/pmdas/bpf/modules"
EM_BPF = 247
# Tools whose crate's build script compiles their BPF programs (libbpf-cargo's SkeletonBuilder: clang -g -O2
# -target bpf -D__TARGET_ARCH_<arch> with libbpf's headers, plus the tool's own flags), fetched from crates.io at
# pinned versions (sha256 of the .crate) and compiled here the same way with clang-19: objects as their users build
# them, with the tools' own CO-RE guards (below's bpf_core_type_matches), autoload choices (tracexec's fentry or
# kprobe) and maps sized by the loader (lightswitch's map of maps).
CRATES = {
    "tracexec-backend-ebpf": ("1.0.0", "8319703148a2408c09e95a364c80a1bf76fd9d35080180de284f55a1c0eaeff7"),
    "lightswitch": ("0.7.0", "787b0419ff5c6574ebd1ff594a7246210006bfb961ecdedb1039c3ca2b7576e1"),
    "below": ("0.9.0", "38e9f87936bc2fa6beb9519855fe343fa6e002b457b5e8b6e6e82ca68bc0ea61"),
    "bpfman": ("0.6.0", "440a8712edadcddb97355b433600f2e0584d85a554bd6af2f5e69cfa0214bcbf"),
    "libbpf-rs": ("0.27.2", "ffef943d6690772a293abe80412ca438c227867cac93448af2518166df1b1a7b"),
}
# (object name, crate, source, the tool's own clang flags): {crate} is the unpacked crate, {tracexec} the
# architecture in tracexec's defines, {asm} a directory holding the system's asm/types.h, {vmlinux} the vmlinux.h
# tracexec ships for the architecture.
FROM_SOURCE = [
    ("tracexec_system", "tracexec-backend-ebpf", "src/tracexec_system.bpf.c",
     ["-I{crate}/include", "-DTRACEXEC_TARGET_{tracexec}", "-DMAX_CPUS=64"]),
    ("lightswitch_profiler", "lightswitch", "src/bpf/profiler.bpf.c", ["-mcpu=v1", "-Wextra", "-Wall", "-Werror"]),
    ("lightswitch_tracers", "lightswitch", "src/bpf/tracers.bpf.c",
     ["-Wextra", "-Wall", "-Werror", "-Wno-unused-function"]),
    # below's build takes vmlinux.h from its source tree, which the crate lacks: one is written from the running
    # kernel's BTF by bpftool, as such headers are made.
    ("below_exitstat", "below", "src/bpf/exitstat.bpf.c", []),
    # bpfman's Makefile: -target bpfel, and the system's headers for asm/types.h.
    ("bpfman_xdp_dispatcher_v1", "bpfman", "bpf/xdp_dispatcher_v1.bpf.c", ["-target", "bpfel", "-I{asm}"]),
    ("bpfman_xdp_dispatcher_v2", "bpfman", "bpf/xdp_dispatcher_v2.bpf.c", ["-target", "bpfel", "-I{asm}"]),
    ("bpfman_tc_dispatcher", "bpfman", "bpf/tc_dispatcher.bpf.c", ["-target", "bpfel", "-I{asm}"]),
] + [
    # libbpf-rs's own test programs (its crate lacks the vmlinux.h they include: tracexec's is used): program
    # types and maps from every kernel era, iterators, arenas, netfilter, uprobe_multi, USDT, user ring buffers.
    (f"libbpf_rs_{name}", "libbpf-rs", f"tests/bin/src/{name}.bpf.c", ["-I{vmlinux}", "-I{asm}"])
    for name in ("arena", "kprobe", "ksyscall", "map_auto_pin", "mapiter", "netfilter", "percpu_map", "perf_event",
                 "ringbuf", "run_prog", "runqslower", "taskiter", "tc-unit", "tracepoint", "uprobe", "uprobe_multi",
                 "usdt", "user_ringbuf", "xdp")
]
# Debian architecture: (__TARGET_ARCH_ suffix, tracexec's name, tracexec's include directory).
SOURCE_ARCHES = {"amd64": ("x86", "X86_64", "x86_64"), "arm64": ("arm64", "AARCH64", "aarch64")}
BPFFS = "/sys/fs/bpf"


def run(args, timeout=120, cwd=None):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout}s"
    return p.returncode, p.stdout, p.stderr


def fetch(cache, arch):
    """The packages' files for Debian architecture `arch` under cache/arch/root (downloaded once): bookworm's in
    root/, trixie's in root/trixie/ (the same tools in both, each collected under its own names)."""
    # The layout is part of the key too: trixie's packages each have their own tree since the matrix takes some.
    lists = " ".join(PACKAGES + ["trixie/PACKAGE"] + TRIXIE_PACKAGES)
    root = os.path.join(cache, arch, "root-" + hashlib.sha256(lists.encode()).hexdigest()[:12])
    if os.path.isdir(root):
        return root
    bookworm = download(os.path.join(cache, arch, "debs"), PACKAGES, arch, [])
    trixie = download(os.path.join(cache, arch, "debs-trixie"), TRIXIE_PACKAGES, arch, trixie_apt(cache, arch))
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for f in bookworm:
        subprocess.run(["dpkg-deb", "-x", f, tmp], check=True)
    # One tree per trixie package, so that a run can take some of them (TRIXIE_EVERY_RUN).
    for spec, f in zip(TRIXIE_PACKAGES, trixie):
        into = os.path.join(tmp, "trixie", spec.partition("=")[0])
        os.makedirs(into)
        subprocess.run(["dpkg-deb", "-x", f, into], check=True)
    os.rename(tmp, root)
    return root


def trixie_apt(cache, arch):
    """apt options for a private trixie source list and state under cache/arch/apt-trixie (updated once a day;
    one per architecture, as the kernel matrix extracts both architectures' objects at once)."""
    state = os.path.join(cache, arch, "apt-trixie")
    os.makedirs(os.path.join(state, "lists", "partial"), exist_ok=True)
    os.makedirs(os.path.join(state, "cache", "archives", "partial"), exist_ok=True)
    parts = os.path.join(state, "sources")
    os.makedirs(parts, exist_ok=True)
    open(os.path.join(parts, "trixie.sources"), "w").write(
        "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-trixie-stable.gpg "
        "/usr/share/keyrings/debian-archive-trixie-automatic.gpg\n")
    opts = ["-o", "Dir::Etc::SourceList=/dev/null", "-o", f"Dir::Etc::SourceParts={parts}",
            "-o", f"Dir::State::Lists={state}/lists", "-o", f"Dir::Cache={state}/cache",
            "-o", "APT::Architectures::=" + arch]
    stamp = os.path.join(state, "updated")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < time.time() - 86400:
        code, _, err = run(["apt-get", *opts, "-o", "APT::Sandbox::User=root", "update"], timeout=600)
        if code != 0:
            sys.exit(f"real-objects: apt-get update of trixie: {err.strip()[-1000:]}")
        open(stamp, "w").close()
    return opts


def download(debs, packages, arch, apt_opts):
    """The .deb files of `packages` for `arch` in `debs` (each downloaded once): the pinned version, or the suite's
    current one for an unversioned spec, or (trixie only: its point releases drop superseded files from the
    mirror) when the pinned one is gone."""
    os.makedirs(debs, exist_ok=True)
    files = []
    for spec in packages:
        name, _, version = spec.partition("=")
        stem = f"{name}_{version.replace(':', '%3a')}_" if version else f"{name}_"
        have = [f for f in os.listdir(debs) if f.startswith(stem)]
        if not have:
            have = [f for f in os.listdir(debs) if f.startswith(f"{name}_")] if apt_opts else []
        if not have:
            # apt-get downloads into the working directory; arch-independent packages take no :arch.
            wanted = [f"{name}:{arch}={version}" if version else f"{name}:{arch}", spec]
            if apt_opts and version:
                wanted.append(f"{name}:{arch}")
            for w in wanted:
                code, _, err = run(["apt-get", *apt_opts, "download", "-o", "APT::Sandbox::User=root", w],
                                   timeout=300, cwd=debs)
                if code == 0:
                    if "=" not in w and version:
                        print(f"real-objects: {spec} is gone from the mirror; took the current {name}", file=sys.stderr)
                    break
            if code != 0:
                sys.exit(f"real-objects: cannot download {spec} for {arch}: {err.strip()}")
            have = [f for f in os.listdir(debs) if f.startswith(f"{name}_")]
        files.append(os.path.join(debs, sorted(have)[-1]))
    return files


def embedded_objects(path):
    """BPF ELF objects inside an executable (a libbpf skeleton keeps its object as a byte array)."""
    data = open(path, "rb").read()
    found, start = [], 1
    while True:
        i = data.find(b"\x7fELF\x02\x01\x01", start)
        if i < 0 or i + 64 > len(data):
            return found
        start = i + 1
        if struct.unpack_from("<H", data, i + 18)[0] != EM_BPF:
            continue
        shoff = struct.unpack_from("<Q", data, i + 0x28)[0]
        shentsize, shnum = struct.unpack_from("<HH", data, i + 0x3A)
        end = i + shoff + shentsize * shnum
        if shoff and end <= len(data):
            found.append(data[i:end])


def collect(root, out, trixie=None):
    """(name, path, little_endian) of every distinct object, written under out: xdp-tools' executables embed the
    same libxdp objects (the dispatcher, the AF_XDP program) over and over; each is checked once, by its first
    name. `trixie`: the trixie packages to take (default all)."""
    objs = _collect(root, out, trixie)
    seen, distinct = set(), []
    for name, path, little in objs:
        digest = hashlib.sha256(open(path, "rb").read()).digest()
        if digest not in seen:
            seen.add(digest)
            distinct.append((name, path, little))
    return distinct


def _skeletons(executable, base, out, objs):
    """Writes each object embedded in `executable` as out/NAME.bpf.o, NAME being base, base.1, ..."""
    for n, blob in enumerate(embedded_objects(executable)):
        name = f"{base}.{n}" if n else base
        path = os.path.join(out, name + ".bpf.o")
        open(path, "wb").write(blob)
        objs.append((name, path, True))


def _collect(root, out, trixie=None):
    """bookworm's objects by their tools' names, then trixie's (root/trixie/PACKAGE) the same way with a `trixie_`
    prefix: the packages named in `trixie`, or all."""
    objs = _collect_tree(root, out, "")
    for spec in TRIXIE_PACKAGES:
        package = spec.partition("=")[0]
        if trixie is None or package in trixie:
            objs += _collect_tree(os.path.join(root, "trixie", package), out, "trixie_")
    return objs


def _collect_tree(root, out, prefix):
    objs = []
    for sub in ("usr/sbin", "usr/bin"):
        d = os.path.join(root, sub)
        for tool in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            _skeletons(os.path.join(d, tool), prefix + tool, out, objs)
    d = os.path.join(root, PCP_MODULES)
    for module in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        _skeletons(os.path.join(d, module), prefix + "pcp_" + module.removesuffix(".so"), out, objs)
    # Skeletons outside the tool directories: xdp-tests' test runner, Knot DNS's library, bpftune's tuners and
    # library, systemd's core library.
    for pattern, base in (("usr/libexec/xdp-tools/test-tool", "xdp_test_tool"), ("usr/lib/*/libknot.so.*.*", "knot"),
                          ("usr/lib/*/bpftune/*.so", None), ("usr/lib/*/libbpftune.so.*.*", "bpftune"),
                          ("usr/lib/*/systemd/libsystemd-core-*.so", "systemd_core")):
        for tool in sorted(glob.glob(os.path.join(root, pattern))):
            _skeletons(tool, prefix + (base or os.path.basename(tool).removesuffix(".so")), out, objs)
    for dirpath, dirs, files in os.walk(root):
        if dirpath == root:
            dirs[:] = [d for d in dirs if d != "trixie"]
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            if (dirpath.endswith("/bpf") or dirpath.endswith("/libexec/xdp-tools")) and f.endswith(".o"):
                objs.append((prefix + f[:-2], path, True))
            elif dirpath.endswith("/rc_keymaps/protocols") and f.endswith(".o"):
                objs.append((prefix + "ir_" + f[:-2], path, True))
            elif dirpath.endswith("/suricata/ebpf") and f.endswith(".bpf"):
                objs.append((prefix + "suricata_" + f[:-4], path, True))
            elif dirpath.endswith("/lib/oar") and f.endswith(".bpf"):
                objs.append((prefix + "oar_" + f[:-4], path, True))
            elif f.endswith(".elf") and "/cilium/ebpf/" in dirpath:
                objs.append((prefix + f[:-4], path, f.endswith("-el.elf")))
    return objs


def fetch_crate(cache, name):
    """The unpacked crate `name` at its pinned version under cache/crates (downloaded and checked once)."""
    version, digest = CRATES[name]
    crates = os.path.join(cache, "crates")
    tree = os.path.join(crates, f"{name}-{version}")
    if os.path.isdir(tree):
        return tree
    os.makedirs(crates, exist_ok=True)
    url = f"https://static.crates.io/crates/{name}/{name}-{version}.crate"
    try:
        data = urllib.request.urlopen(url, timeout=120).read()
    except OSError as e:
        sys.exit(f"real-objects: cannot download {url}: {e}")
    if hashlib.sha256(data).hexdigest() != digest:
        sys.exit(f"real-objects: {url}: sha256 is not the pinned one")
    tmp = tree + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    # The bytes are the pinned ones (sha256 above), so their paths are known to stay inside the tree.
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp)
    os.rename(os.path.join(tmp, f"{name}-{version}"), tree)
    os.rmdir(tmp)
    return tree


def bpf_includes():
    """libbpf's headers (bpf/bpf_helpers.h): BPF_INCLUDES, else the ones any build of this tree exported."""
    if os.environ.get("BPF_INCLUDES"):
        return os.environ["BPF_INCLUDES"]
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    found = sorted(glob.glob(os.path.join(repo, "target", "**", "build", "ebpfctl-*", "out", "include"),
                             recursive=True))
    if not found:
        sys.exit("real-objects: libbpf headers not found under target/: build ebpfctl first or set BPF_INCLUDES")
    return found[0]


def asm_includes():
    """A directory with the system's asm/types.h (the same for every architecture's BPF objects)."""
    found = sorted(glob.glob("/usr/include/*-linux-gnu/asm/types.h"))
    if not found:
        sys.exit("real-objects: no asm/types.h under /usr/include/*-linux-gnu (linux-libc-dev)")
    return os.path.dirname(os.path.dirname(found[0]))


def built_from_source(cache, arch, out):
    """(name, path, True) of each FROM_SOURCE object, compiled for Debian architecture `arch` into `out`."""
    target, tracexec, include = SOURCE_ARCHES[arch]
    vmlinux = os.path.join(fetch_crate(cache, "tracexec-backend-ebpf"), "include", include)
    below = fetch_crate(cache, "below")
    header = os.path.join(below, "src", "open_source", "vmlinux", "vmlinux.h")
    if not os.path.exists(header):
        code, text, err = run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"])
        if code != 0:
            sys.exit(f"real-objects: bpftool cannot write vmlinux.h for below: {err.strip()}")
        os.makedirs(os.path.dirname(header), exist_ok=True)
        open(header, "w").write(text)
    objs, libbpf, asm = [], bpf_includes(), asm_includes()
    for name, crate, source, flags in FROM_SOURCE:
        tree = fetch_crate(cache, crate)
        path = os.path.join(out, name + ".bpf.o")
        own = [f.format(crate=tree, tracexec=tracexec, asm=asm, vmlinux=vmlinux) for f in flags]
        code, _, err = run(["clang-19", "-g", "-O2", "-target", "bpf", f"-D__TARGET_ARCH_{target}",
                            "-I" + libbpf, *own, "-c", os.path.join(tree, source), "-o", path])
        if code != 0:
            sys.exit(f"real-objects: compiling {name} ({crate} {CRATES[crate][0]}): {err.strip()[-2000:]}")
        objs.append((name, path, True))
    return objs


def safe_name(name):
    """`name` with every character but letters and digits as `_`: bpffs refuses names with a dot."""
    return "".join(c if c.isalnum() else "_" for c in name)


def pin_name(name):
    return "ebpfctl_real_" + safe_name(name)


def clean_bpffs(before):
    """Removes what a load pinned (incl. maps that pin themselves by name at the bpffs root)."""
    for entry in set(os.listdir(BPFFS)) - before:
        path = os.path.join(BPFFS, entry)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def compat_verdict(ebpfctl, path):
    code, out, err = run([ebpfctl, "-j", "compat", "check", path])
    if code not in (0, 1):
        return f"error {code}: {err.strip()}"
    return "loads" if json.loads(out)["compatible"] else "fails"


LIGHT_MAIN = """#include "lt.lskel.h"
int main(void)
{
\tstruct lt *s = lt__open_and_load();

\tif (!s)
\t\treturn 1;
\tlt__destroy(s);
\treturn 0;
}
"""


def light_verdict(ebpfctl, path, work):
    """Whether the object's light skeleton loads ("loads"/"fails"), None when there is none to try: gen refuses
    the object (one line, exit 2) or the header names types only the tool's own headers declare."""
    cc, includes = os.environ.get("LIGHT_CC"), os.environ.get("LIGHT_INCLUDES")
    if not cc or not includes:
        return None
    code, header, err = run([ebpfctl, "gen", "skeleton", path, "-L", "name", "lt"])
    if code == 2 and len(err.strip().splitlines()) == 1:
        return None
    if code != 0:
        return f"error {code}: {err.strip()}"
    with open(os.path.join(work, "lt.lskel.h"), "w") as f:
        f.write(header)
    with open(os.path.join(work, "lt.c"), "w") as f:
        f.write(LIGHT_MAIN)
    exe = os.path.join(work, "lt")
    code, _, err = run([cc, "-O1", "-Wall", "-Werror"] + [f"-I{d}" for d in includes.split(":")]
                       + [os.path.join(work, "lt.c"), "-o", exe])
    if code != 0:
        return None if "incomplete" in err else f"cc: {err.strip()[:200]}"
    code, _, _ = run([exe])
    return "loads" if code == 0 else "fails"


def documented(report, mtype):
    report["maps_documented"] += 1
    report["documented_types"][mtype] = report["documented_types"].get(mtype, 0) + 1


# Map types whose entries user space can write, and so can seed before the dumps are compared.
KEYED = {"hash", "lru_hash", "percpu_hash", "lru_percpu_hash", "lpm_trie"}
INDEXED = {"array", "percpu_array"}
PUSHED = {"queue", "stack", "bloom_filter"}
# Map types whose keys the kernel does not walk (docs/map-json.md): ring buffers, queues, stacks, bloom filters,
# and local storage, keyed by each owner's fd.
NO_KEY_WALK = {"ringbuf", "user_ringbuf", "queue", "stack", "bloom_filter", "sk_storage", "inode_storage",
               "task_storage", "cgrp_storage"}


def value_patterns(rng, size):
    """Three values as a running tool leaves them: random bits, text (printable bytes with NULs, so char arrays
    read as strings), and small numbers (0, 1, 2 and all-ones bytes: flags, counters, -1)."""
    return [bytes(rng.randrange(256) for _ in range(size)),
            bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789/._-\0") for _ in range(size)),
            bytes(rng.choice((0, 1, 2, 255)) for _ in range(size))]


def hexwords(data):
    return ["hex"] + [f"{b:02x}" for b in data] if data else []


def seed_map(pin, info):
    """Writes a few entries with bpftool (values of every BTF kind, filled with patterns no test author chose);
    returns whether anything was written. Frozen maps (.rodata, .kconfig) refuse, and are compared as loaded."""
    mtype, ksize, vsize, entries = info["type"], info["bytes_key"], info["bytes_value"], info["max_entries"]
    rng = random.Random(hashlib.sha256(pin.encode()).digest())
    values = value_patterns(rng, vsize)
    written = 0
    for n, value in enumerate(values):
        if mtype in PUSHED:
            args = ["push", "pinned", pin, "value", *hexwords(value)]
        else:
            if mtype in INDEXED:
                key = ([0, entries - 1, rng.randrange(entries)][n]).to_bytes(4, "little")
            elif mtype == "lpm_trie":
                # A prefix length within the key's data bits, the data random.
                key = rng.randrange((ksize - 4) * 8 + 1).to_bytes(4, "little") + rng.randbytes(ksize - 4)
            else:
                key = rng.randbytes(ksize)
            args = ["update", "pinned", pin, "key", *hexwords(key), "value", *hexwords(value)]
        code, _, _ = run(["bpftool", "map", *args])
        written += code == 0
    return written > 0


def show_differences(ours, theirs):
    """Fields of bpftool's `show -j` object that ebpfctl's lacks or prints differently (extras are allowed).
    `loaded_at` may differ by a second: each tool reads the boot-to-wall-clock offset at its own instant."""
    out = []
    for key, want in theirs.items():
        got = ours.get(key)
        if key == "loaded_at" and isinstance(got, int) and abs(got - want) <= 1:
            continue
        if key in ("pinned", "pids") and isinstance(got, list) and sorted(map(str, got)) == sorted(map(str, want)):
            continue
        if got != want:
            out.append(f"{key}: ebpfctl {got!r}, bpftool {want!r}")
    return out


def compare_show(ebpfctl, what, pin, report):
    """Compares the two `show -j` objects; returns bpftool's ({} when either tool failed)."""
    ours = run([ebpfctl, "-j", what, "show", "pinned", pin])
    theirs = run(["bpftool", "-j", what, "show", "pinned", pin])
    report[what + "s_shown"] += 1
    if ours[0] != 0 or theirs[0] != 0:
        report["problems"].append(f"{what} show {pin}: ebpfctl exit {ours[0]}, bpftool exit {theirs[0]}")
        return {}
    shown = json.loads(theirs[1])
    diffs = show_differences(json.loads(ours[1]), shown)
    if diffs:
        report["problems"].append(f"{what} show {pin}: " + "; ".join(diffs))
    return shown


# Where bpftool 7.1's xlated dump is wrong, ours made wrong the same way before comparing: its disassembler predates
# 6.7's per-CPU address move (the kernel's own disassembler prints `r0 = &(void __percpu *)(r0)`, 7.1 `r0 = r0`), and
# its JSON writer turns a backslash into "\n" (the iproute2 typo it copied, fixed there in 2019).
PERCPU_MOV = re.compile(r"r(\d+) = &\(void __percpu \*\)\(r(\d+)\)")


def as_bpftool_71(json_text):
    return PERCPU_MOV.sub(r"r\1 = r\2", json_text).replace("\\\\", "\\n")


def compare_xlated(ebpfctl, pin, report):
    """`prog dump xlated … linum -j`: every instruction, and every source line with its place (the text form
    prints the same values, compared by tests/prog_dump.rs; a dump costs each tool ~0.1 s of /proc/kallsyms)."""
    args = ["-j", "prog", "dump", "xlated", "pinned", pin, "linum"]
    ours, theirs = run([ebpfctl, *args]), run(["bpftool", *args])
    if ours[0] != 0 or theirs[0] != 0:
        report["problems"].append(f"{' '.join(args)}: ebpfctl exit {ours[0]}, bpftool exit {theirs[0]}")
        return
    want = json.loads(theirs[1])
    if json.loads(ours[1]) == want:
        report["progs_xlated"] += 1
    elif json.loads(as_bpftool_71(ours[1])) == want:
        report["progs_xlated"] += 1
        report["xlated_bpftool_71_bugs"] += 1
    else:
        report["problems"].append(f"{' '.join(args)}: differs from bpftool")


def as_bpftool_btf_json(dump):
    """bpftool's JSON of an unsigned 32-bit enum sign-extends a value of 2^31 or more to 64 bits (its text form
    and ebpfctl print the value): ours made so before comparing (docs/inspect.md)."""
    for t in dump.get("types", []):
        if t.get("kind") == "ENUM" and t.get("encoding") != "SIGNED":
            for v in t.get("values", []):
                if isinstance(v.get("val"), int) and v["val"] >= 1 << 31:
                    v["val"] += (1 << 64) - (1 << 32)
    return dump


def compare_btf(ebpfctl, btf_id, report):
    """`btf dump id N`: raw text, JSON, and C (`unsorted`: bpftool 7.1 prints types in id order, ebpfctl sorts
    them like bpftool 7.6+ unless asked not to)."""
    for ours_args, theirs_args in ((["format", "raw"], ["format", "raw"]), (["format", "c", "unsorted"], ["format", "c"])):
        ours = run([ebpfctl, "btf", "dump", "id", str(btf_id), *ours_args])
        theirs = run(["bpftool", "btf", "dump", "id", str(btf_id), *theirs_args])
        if ours != theirs:
            report["problems"].append(f"btf dump id {btf_id} {' '.join(ours_args)}: differs from bpftool")
            return
    ours = run([ebpfctl, "-j", "btf", "dump", "id", str(btf_id)])
    theirs = run(["bpftool", "-j", "btf", "dump", "id", str(btf_id)])
    if ours[0] != 0 or theirs[0] != 0 or as_bpftool_btf_json(json.loads(ours[1])) != json.loads(theirs[1]):
        report["problems"].append(f"btf dump id {btf_id} -j: differs from bpftool")
        return
    report["btf_dumped"] += 1


# Map types whose text dump says what an unreadable value means instead of bpftool's strerror (docs/map-json.md).
TEXT_EXPLAINED = {"perf_event_array", "cgroup_array", "xskmap", "ringbuf", "user_ringbuf"}


def compare_entry_reads(ebpfctl, pin, mtype, dump, report):
    """The text dump, and `map lookup`/`map getnext` of the first two dumped keys, as bpftool prints them."""
    if mtype not in TEXT_EXPLAINED:
        ours, theirs = run([ebpfctl, "map", "dump", "pinned", pin]), run(["bpftool", "map", "dump", "pinned", pin])
        if ours != theirs:
            report["problems"].append(f"map dump {pin} (text, {mtype}): differs from bpftool")
            return
        report["maps_text_equal"] += 1
    for entry in [e for e in dump if "error" not in (e.get("value") or {})][:2]:
        key = ["key", "hex", *[b.removeprefix("0x") for b in entry["key"]]]
        for verb in ("lookup", "getnext"):
            args = ["-j", "map", verb, "pinned", pin, *key]
            ours, theirs = run([ebpfctl, *args]), run(["bpftool", *args])
            if (ours[0] == 0) != (theirs[0] == 0) or (ours[0] == 0 and json.loads(ours[1]) != json.loads(theirs[1])):
                report["problems"].append(f"map {verb} {pin} {' '.join(key)}: ebpfctl exit {ours[0]} "
                                          f"{ours[1][:200]!r}, bpftool exit {theirs[0]} {theirs[1][:200]!r}")
                return
            report["entry_reads_equal"] += 1


def compare_maps(ebpfctl, name, path, before, report):
    pins = os.path.join(BPFFS, pin_name(name))
    os.mkdir(pins)
    try:
        code, _, err = run(["bpftool", "prog", "loadall", path, pins + "/p", "pinmaps", pins + "/m"])
        maps = pins + "/m"
        if code != 0:
            # Maps that pin themselves by name (LIBBPF_PIN_BY_NAME, at the bpffs root) refuse a second pin path.
            clean_bpffs(before | {pin_name(name)})
            code, _, err = run(["bpftool", "prog", "loadall", path, pins + "/p"])
            maps = BPFFS
        if code != 0:
            report["problems"].append(f"maps {name}: bpftool loads it once but not twice: {err.strip()[-200:]}")
            return
        progs = os.path.join(pins, "p")
        btf_ids = set()
        for p in sorted(os.listdir(progs)) if os.path.isdir(progs) else []:
            btf_ids.add(compare_show(ebpfctl, "prog", os.path.join(progs, p), report).get("btf_id"))
            compare_xlated(ebpfctl, os.path.join(progs, p), report)
        for btf_id in sorted(btf_ids - {None}):
            compare_btf(ebpfctl, btf_id, report)
        if maps == BPFFS:
            found = set(os.listdir(maps)) - before
        else:
            found = os.listdir(maps) if os.path.isdir(maps) else []
        for m in sorted(found):
            pin = os.path.join(maps, m)
            if not os.path.isfile(pin):
                continue
            info = json.loads(run(["bpftool", "-j", "map", "show", "pinned", pin])[1])
            mtype = info["type"]
            if mtype in KEYED | INDEXED | PUSHED and seed_map(pin, info):
                report["maps_seeded"] += 1
            ours = run([ebpfctl, "-j", "map", "dump", "pinned", pin])
            theirs = run(["bpftool", "-j", "map", "dump", "pinned", pin])
            report["maps"] += 1
            compare_show(ebpfctl, "map", pin, report)
            if mtype in NO_KEY_WALK:
                # Documented: no keys to walk; ebpfctl refuses with a hint (exit 2), bpftool prints [] and fails.
                if ours[0] == 2 and json.loads(ours[1]).get("kind") == "invalid_input" and theirs[0] != 0:
                    documented(report, mtype)
                    continue
            elif ours[0] == 0 and theirs[0] == 0:
                if ours[1] == theirs[1] or json.loads(ours[1]) == json.loads(theirs[1]):
                    report["maps_equal"] += 1
                    compare_entry_reads(ebpfctl, pin, mtype, json.loads(theirs[1]), report)
                    continue
            report["problems"].append(f"map dump {name}/{m} ({mtype}): ebpfctl exit {ours[0]} {ours[1][:200]!r}, "
                                      f"bpftool exit {theirs[0]} {theirs[1][:200]!r}")
    finally:
        clean_bpffs(before)


def extract(arch, out, cache, trixie):
    """Writes every little-endian object for `arch` as out/real_NAME.o (names fit bpffs and the kernel matrix), of
    trixie's packages those in `trixie` (None: all)."""
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="real-objects-") as work:
        objs = collect(fetch(cache, arch), work, trixie) + built_from_source(cache, arch, work)
        for name, path, little in objs:
            if little:
                shutil.copyfile(path, os.path.join(out, "real_" + safe_name(name) + ".o"))


def check(ebpfctl, cache, trixie):
    work = tempfile.mkdtemp(prefix="real-objects-")
    report = {"objects": 0, "agree": 0, "truth_by_newer_libbpf": 0, "light_agree": 0, "light_skipped": 0, "loadable": 0, "big_endian": 0, "progs_shown": 0, "progs_xlated": 0, "btf_dumped": 0, "xlated_bpftool_71_bugs": 0, "maps_shown": 0, "maps_text_equal": 0, "entry_reads_equal": 0, "maps": 0, "maps_seeded": 0, "maps_equal": 0,
              "maps_documented": 0, "documented_types": {},
              "problems": []}
    try:
        before = set(os.listdir(BPFFS))
        arch = native_arch()
        for name, path, little in collect(fetch(cache, arch), work, trixie) + built_from_source(cache, arch, work):
            report["objects"] += 1
            ours = compat_verdict(ebpfctl, path)
            if not little:
                report["big_endian"] += 1
                if ours == "fails":
                    report["agree"] += 1
                else:
                    report["problems"].append(f"compat {name}: big-endian object: {ours}, want a negative verdict")
                continue
            pins = os.path.join(BPFFS, pin_name(name))
            code, _, err = run(["bpftool", "prog", "loadall", path, pins])
            clean_bpffs(before)
            newer_section = code != 0 and "failed to guess program type from ELF section" in err
            if newer_section:
                # bpftool 7.1's libbpf (1.1) predates the section (netfilter, uprobe.multi): the kernel's answer
                # is a load by a libbpf that knows it, ebpfctl's own 1.7. Its maps and programs are then not
                # compared, as bpftool cannot load the object.
                code, _, err = run([ebpfctl, "prog", "loadall", path, pins])
                clean_bpffs(before)
                report["truth_by_newer_libbpf"] += 1
            theirs = "loads" if code == 0 else "fails"
            if ours == theirs:
                report["agree"] += 1
            else:
                report["problems"].append(f"compat {name}: ebpfctl says {ours}, the kernel {theirs} "
                                          f"({err.strip().splitlines()[-1] if err.strip() else 'no error'})")
            light = light_verdict(ebpfctl, path, work)
            if light is None:
                report["light_skipped"] += 1
            elif light == theirs:
                report["light_agree"] += 1
            else:
                report["problems"].append(f"light {name}: the light skeleton {light}, the real load {theirs}")
            if theirs == "loads":
                report["loadable"] += 1
                if not newer_section:
                    compare_maps(ebpfctl, name, path, before, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in report["problems"]:
        print(p)
    print(json.dumps(report | {"problems": len(report["problems"])}))
    return 1 if report["problems"] else 0


def native_arch():
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def main():
    args = sys.argv[1:]
    default_cache = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "real-objects")
    trixie = TRIXIE_EVERY_RUN
    if args[1:2] == ["--all"]:
        trixie = None
        del args[1]
    if len(args) >= 3 and args[0] == "extract":
        extract(args[1], os.path.abspath(args[2]), os.path.abspath(args[3] if len(args) > 3 else default_cache),
                trixie)
        return 0
    if len(args) >= 2 and args[0] == "check":
        return check(os.path.abspath(args[1]), os.path.abspath(args[2] if len(args) > 2 else default_cache), trixie)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
