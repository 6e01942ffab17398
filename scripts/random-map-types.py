#!/usr/bin/env python3
"""Random BTF types in maps and headers: ebpfctl must print what bpftool prints, and its C header must compile to
the BTF's layout.

usage: random-map-types.py EBPFCTL SEED ROUNDS [KEEP_DIR]
       (BPF_INCLUDES: directories holding bpf/bpf_helpers.h, colon-separated; BPF_CLANG: clang-19 unless set)

Each round writes a BPF object the way a C programmer might: nested structs and unions (named and anonymous),
bitfields of every width and base (zero-width ones too), enums (signed, 64-bit, packed to one or two bytes),
typedef and const/volatile chains, char arrays, 2-D arrays, pointers to opaque structs, 128-bit integers,
flexible tails, packed records; as keys and values of an array, a hash, an LRU hash, a per-CPU array and a
per-CPU hash, and as global variables (.bss, .rodata, a custom .data section). Then:
- `compat check` of the object must say what bpftool's load says (a record can come out empty, and the kernel
  refuses an empty value);
- ebpfctl's `btf dump file OBJ format c` must compile (clang for BPF, gcc for the host) to every named type's
  size and member offsets as the BTF records them;
- `btf dump file OBJ` raw, JSON and C (`unsorted`, bpftool 7.1's order) must print what bpftool prints;
- bpftool loads the object and pins its maps, random bytes go into every entry, and `-j map dump`, the text dump,
  `map lookup` and `map getnext` of one key must print what bpftool prints (`getnext` of the last key aside:
  ebpfctl answers `"next_key": null` with exit 1, bpftool an error);
- the `formatted` part of ebpfctl's dump, fed back with `map update --from`, must restore every entry as it was
  shown (per-CPU `values`, global data without a key, anonymous members under repeated "" keys, unnamed enum
  values, unions included).

Floats are left out: bpftool 7.1 prints `(unsupported-kind` for them, not JSON (tests/map_typed.rs covers
ebpfctl's). Where ebpfctl is right on purpose the difference is accepted only in its exact form: an unnamed value
of an unsigned ENUM64 past 2^63 is positive (bpftool prints it negative); a one- or two-byte enum value with its
top bit set that names an enumerator is that name (bpftool sign-extends it and finds no match) (src/btf/value.rs);
a backslash in a string is `\\\\` (bpftool writes `\\n`, docs/map-json.md);
bpftool 7.1 writes one- and two-byte enums as plain enums; and a C header may differ from bpftool's only where
bpftool's lays a type out wrong (counted as btf_bpftool_layout_wrong; docs/inspect.md).

The last line is a JSON summary; exit 1 on any difference or problem (each is listed, and with KEEP_DIR kept
there with its source).
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys

BPFFS = f"/sys/fs/bpf/ebpfctl-random-types-{os.getpid()}"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

INTS = ["char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int", "long",
        "long long", "unsigned long long", "_Bool", "__int128", "unsigned __int128"]
BITFIELD_BITS = {"int": 32, "unsigned int": 32, "unsigned char": 8, "signed char": 8, "unsigned short": 16,
                 "short": 16, "long long": 64, "unsigned long long": 64}


class Types:
    """C declarations of random types, each named once (rt_ prefix: vmlinux.h is included too)."""

    def __init__(self, rng):
        self.rng = rng
        self.decls = []
        self.count = 0

    def fresh(self, prefix):
        self.count += 1
        return f"rt_{prefix}{self.count}"

    def enum(self):
        rng = self.rng
        name = self.fresh("en")
        wide, negative = rng.random() < 0.3, rng.random() < 0.3
        packed = not wide and rng.random() < 0.3
        top = rng.choice([255, 65535])
        values, seen = [], set()
        for i in range(rng.randint(1, 5)):
            if wide:
                v = -rng.randint(1, 1 << 40) if negative else rng.choice(
                    [1 << 40, 1 << 63, (1 << 64) - 1, 5000000000, rng.randint(0, 1 << 62)])
            elif packed:
                v = rng.randint(0, top)
            else:
                v = rng.randint(-5 if negative else 0, 300)
            if v not in seen:
                seen.add(v)
                suffix = "ULL" if v >= 1 << 63 else ("LL" if abs(v) >= 1 << 31 else "")
                values.append(f"{name.upper()}_{i} = {v}{suffix}")
        attr = " __attribute__((packed))" if packed else ""
        self.decls.append(f"enum{attr} {name} {{ {', '.join(values)} }};")
        return f"enum {name}"

    def any(self, depth):
        rng = self.rng
        c = rng.random()
        if depth > 2 or c < 0.45:
            return rng.choice(INTS)
        if c < 0.57:
            return self.enum()
        if c < 0.64:
            name = self.fresh("td")
            self.decls.append(f"typedef {rng.choice(['', 'const ', 'volatile '])}{self.any(depth + 1)} {name};")
            return name
        return self.record(depth + 1, rng.random() < 0.25)

    def member(self, depth):
        rng = self.rng
        c = rng.random()
        name = self.fresh("m")
        if c < 0.15:
            base = rng.choice(list(BITFIELD_BITS))
            if rng.random() < 0.1:
                return f"{base} :0;"
            return f"{base} {name} : {rng.randint(1, BITFIELD_BITS[base])};"
        if c < 0.25:
            return f"char {name}[{rng.randint(1, 20)}];"
        if c < 0.33:
            dims = "".join(f"[{rng.randint(1, 4)}]" for _ in range(rng.randint(1, 2)))
            return f"{self.any(depth + 1)} {name}{dims};"
        if c < 0.38:
            return f"struct {self.fresh('opaque')} *{name};"
        if c < 0.45 and depth < 3:
            body = " ".join(self.member(depth + 1) for _ in range(rng.randint(1, 3)))
            return f"{rng.choice(['struct', 'union'])} {{ {body} }};"
        return f"{self.any(depth)} {name};"

    def record(self, depth, union=False):
        rng = self.rng
        name = self.fresh("u" if union else "s")
        members = [self.member(depth) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.1:
            members.append(f"unsigned char {self.fresh('tail')}[0];")
        attr = " __attribute__((packed))" if rng.random() < 0.15 else ""
        kind = "union" if union else "struct"
        self.decls.append(f"{kind} {name} {{ {' '.join(members)} }}{attr};")
        return f"{kind} {name}"


def source(rng):
    types = Types(rng)
    value = types.record(0, rng.random() < 0.2)
    key = types.record(0) if rng.random() < 0.7 else types.any(0)
    lru_key = types.record(0)
    percpu = types.any(0)
    globals_ = [(types.any(0), f"rt_gv{i}") for i in range(rng.randint(1, 4))]
    # A custom data section and read-only data, as tools keep their settings.
    custom, settings = types.any(0), types.any(0)
    maps = [("BPF_MAP_TYPE_ARRAY", 3, "__u32", value, "rt_arr"), ("BPF_MAP_TYPE_HASH", 8, key, value, "rt_hash"),
            ("BPF_MAP_TYPE_LRU_HASH", 4, lru_key, percpu, "rt_lru"),
            ("BPF_MAP_TYPE_PERCPU_ARRAY", 2, "__u32", percpu, "rt_pcpu"),
            ("BPF_MAP_TYPE_PERCPU_HASH", 3, key, value, "rt_phash")]
    out = ['#include "vmlinux.h"', "#include <bpf/bpf_helpers.h>", *types.decls]
    for mtype, entries, k, v, name in maps:
        out.append(f"struct {{ __uint(type, {mtype}); __uint(max_entries, {entries}); __type(key, {k}); "
                   f"__type(value, {v}); }} {name} SEC(\".maps\");")
    out += [f"{t} {n};" for t, n in globals_]
    out.append(f'{custom} rt_custom SEC(".data.rt_custom");')
    out.append(f"const volatile {settings} rt_settings;")
    globals_ += [(custom, "rt_custom"), (settings, "rt_settings")]
    out.append("char rt_zero[2048];")
    lookups = " + ".join(f"(bpf_map_lookup_elem(&{m[4]}, rt_zero) != 0)" for m in maps)
    reads = " + ".join(f"*(volatile char *)&{n}" for _, n in globals_)
    out.append(f'SEC("socket") int rt_prog(struct __sk_buff *skb) {{ return {lookups} + {reads}; }}')
    out.append('char LICENSE[] SEC("license") = "GPL";')
    return "\n".join(out) + "\n"


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=120)
    return p.returncode, p.stdout, p.stderr


def hexbytes(data):
    return [f"{b:02x}" for b in data]


class Accepted:
    """The two documented differences, recognised from the round's own enum declarations."""

    def __init__(self, src):
        self.names = {m.group(1): int(m.group(2)) for m in re.finditer(r"(RT_EN\d+_\d+) = (-?\d+)", src)}

    def scalar(self, ours, theirs):
        if ours == theirs and type(ours) is type(theirs):
            return True
        if isinstance(theirs, int) and not isinstance(theirs, bool) and theirs < 0:
            if isinstance(ours, int) and not isinstance(ours, bool):
                return ours == theirs + (1 << 64)
            if isinstance(ours, str):
                return self.names.get(ours) in (theirs + (1 << 8), theirs + (1 << 16))
        return False

    def json(self, ours, theirs):
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return ours.keys() == theirs.keys() and all(self.json(ours[k], theirs[k]) for k in ours)
        if isinstance(ours, list) and isinstance(theirs, list):
            return len(ours) == len(theirs) and all(self.json(a, b) for a, b in zip(ours, theirs))
        return self.scalar(ours, theirs)

    TOKEN = re.compile(r'"(RT_EN\d+_\d+)"|(-?\d+)')

    def text(self, ours, theirs):
        a, b = ours.split("\n"), theirs.split("\n")
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if x == y:
                continue
            if self.TOKEN.sub("#", x) != self.TOKEN.sub("#", y):
                return False
            for p, q in zip(self.TOKEN.finditer(x), self.TOKEN.finditer(y)):
                mine = p.group(1) if p.group(1) else int(p.group(2))
                theirs_ = q.group(1) if q.group(1) else int(q.group(2))
                if not self.scalar(mine, theirs_):
                    return False
        return True

    def same(self, ours, theirs):
        if ours == theirs:
            return True
        if ours[0] != 0 or theirs[0] != 0:
            return False
        # bpftool 7.1's JSON writer escapes a backslash as `\n` (docs/map-json.md): ours made so as well.
        for text in (ours[1], ours[1].replace("\\\\", "\\n")):
            try:
                if self.json(json.loads(text), json.loads(theirs[1])):
                    return True
            except ValueError:
                if self.text(text, theirs[1]):
                    return True
        return False


def last_key(ours, theirs):
    """`getnext` of the last key: bpftool prints an error (exit 254), ebpfctl `"next_key": null` and exits 1 as a
    negative answer (README)."""
    return (theirs[0] != 0 and "No such file" in theirs[1] and ours[0] == 1
            and json.loads(ours[1]).get("next_key", 0) is None)


def fill(rng, pin):
    """Random bytes into every entry (array) or a few random keys (hash); returns the keys written."""
    info = json.loads(run(["bpftool", "-j", "map", "show", "pinned", pin])[1])
    size_key, size_value, entries = info["bytes_key"], info["bytes_value"], info["max_entries"]
    if info["type"] in ("array", "percpu_array"):
        keys = [i.to_bytes(4, "little") for i in range(entries)]
    else:
        keys = [rng.randbytes(size_key) for _ in range(rng.randint(1, entries))]
    if info.get("frozen"):
        return keys  # .rodata: read-only to user space after load, its initial values are dumped
    for key in keys:
        code, _, err = run(["bpftool", "map", "update", "pinned", pin, "key", "hex", *hexbytes(key),
                            "value", "hex", *hexbytes(rng.randbytes(size_value))])
        if code:
            raise RuntimeError(f"bpftool map update {pin}: {err.strip()}")
    return keys


def compare_map(ebpfctl, rng, pin, accepted):
    """Fills the map, then returns how many keys it wrote and each read that printed differently."""
    keys = fill(rng, pin)
    key = ["key", "hex", *hexbytes(keys[0])]
    differ = []
    for args in (["-j", "map", "dump", "pinned", pin], ["map", "dump", "pinned", pin],
                 ["-j", "map", "lookup", "pinned", pin, *key], ["map", "lookup", "pinned", pin, *key],
                 ["-j", "map", "getnext", "pinned", pin, *key]):
        ours, theirs = run([ebpfctl, *args]), run(["bpftool", *args])
        if args[2] == "getnext" and last_key(ours, theirs):
            continue
        if not accepted.same(ours, theirs):
            differ.append((args, ours, theirs))
    info = json.loads(run(["bpftool", "-j", "map", "show", "pinned", pin])[1])
    if not differ and not info.get("frozen") and info["type"] != "lru_hash":
        problem = formatted_round_trip(ebpfctl, pin, info["type"])
        if problem:
            differ.append((["map", "update", "--from", "(formatted dump)"], (1, problem, ""), (0, "", "")))
    return len(keys), differ


class Pairs(list):
    """A JSON object as its (key, value) pairs: a dump repeats "" for a struct's anonymous members."""


def as_json(v):
    if isinstance(v, Pairs):
        return "{" + ",".join(json.dumps(k) + ":" + as_json(x) for k, x in v) + "}"
    if isinstance(v, list):
        return "[" + ",".join(as_json(x) for x in v) + "]"
    return json.dumps(v)


def formatted_round_trip(ebpfctl, pin, mtype):
    """Feeds the `formatted` part of ebpfctl's dump back with `map update --from` (hash maps emptied first) and
    dumps again: every entry must come back as it was. Returns the problem, or None. Keys whose formatted forms
    coincide (a `_Bool` key shows every non-zero byte as true) may merge; LRU maps may evict on their own."""
    before = run([ebpfctl, "-j", "map", "dump", "pinned", pin])[1]
    entries = json.loads(before, object_pairs_hook=Pairs)
    if any("formatted" not in dict(e) for e in entries):
        return None  # the kernel took the map without BTF (it refused the object's), as bpftool shows too
    lines = "".join(as_json(dict(e)["formatted"]) + "\n" for e in entries)
    if mtype in ("hash", "percpu_hash"):
        run([ebpfctl, "map", "delete", "pinned", pin, "--all"])
    p = subprocess.run([ebpfctl, "map", "update", "pinned", pin, "--from", "-"], input=lines,
                       capture_output=True, text=True, timeout=120)
    if p.returncode:
        return f"map update --from its own dump: {p.stderr.strip()[:300]}"
    shown = sorted(json.dumps(e["formatted"], sort_keys=True) for e in json.loads(before))
    again = sorted(json.dumps(e["formatted"], sort_keys=True)
                   for e in json.loads(run([ebpfctl, "-j", "map", "dump", "pinned", pin])[1]))
    distinct_keys = len({json.dumps(e["formatted"].get("key"), sort_keys=True) for e in json.loads(before)})
    if not set(again) <= set(shown) or (distinct_keys == len(shown) and again != shown):
        lost = [e for e in shown if e not in again][:1]
        return f"formatted entries changed on the way back in: {str(lost)[:300]}"
    return None


def keep_difference(where, src, differ):
    os.makedirs(where, exist_ok=True)
    shutil.copy(src, where)
    for i, (args, ours, theirs) in enumerate(differ):
        for tool, out in (("ebpfctl", ours), ("bpftool", theirs)):
            with open(f"{where}/{i}.{tool}", "w") as f:
                f.write(f"{args}\nexit {out[0]}\n{out[1]}\n{out[2]}")


def btf_json_as_bpftool_71(text):
    """bpftool 7.1's JSON sign-extends an unsigned 32-bit enumerator of 2^31 or more (docs/inspect.md)."""
    dump = json.loads(text)
    for t in dump.get("types", []):
        if t.get("kind") == "ENUM" and t.get("encoding") != "SIGNED":
            for v in t.get("values", []):
                if v["val"] >= 1 << 31:
                    v["val"] += (1 << 64) - (1 << 32)
    return dump


SIZED_ENUM = re.compile(r"(^enum [^\n]*\{\n(?:\t[^\n]*\n)*)\} __attribute__\(\((?:mode\(byte\)|mode\(HI\)|packed)\)\);",
                        re.M)


def c_as_bpftool_71(text):
    """bpftool 7.1 (libbpf 1.1) writes one- and two-byte enums as plain enums, four bytes once compiled; ebpfctl
    writes current libbpf's `mode(byte)` and keeps two-byte enums two bytes (docs/inspect.md)."""
    return SIZED_ENUM.sub(r"\1};", text)


def compare_btf(ebpfctl, obj):
    """`btf dump file OBJ` raw, C (bpftool 7.1's id order: `unsorted`) and JSON; returns the forms that differ
    and whether the C headers differ where bpftool's lays a type out wrong (ebpfctl's is checked on its own)."""
    differ, bpftool_wrong = [], False
    for ours_args, theirs_args in ((["format", "raw"], ["format", "raw"]),
                                   (["format", "c", "unsorted"], ["format", "c"])):
        ours = run([ebpfctl, "btf", "dump", "file", obj, *ours_args])
        theirs = run(["bpftool", "btf", "dump", "file", obj, *theirs_args])
        if ours == theirs or (ours[0], c_as_bpftool_71(ours[1]), ours[2]) == theirs:
            continue
        btf_json = run([ebpfctl, "-j", "btf", "dump", "file", obj])[1]
        if ours_args[1] == "c" and theirs[0] == 0 and (
                layout_problems(theirs[1], btf_json, f"{obj}.bpftool")
                or compiled_layout_problems(theirs[1], btf_json, f"{obj}.bpftool")):
            bpftool_wrong = True
            continue
        differ.append((["btf", "dump", "file", obj, *ours_args], ours, theirs))
    ours = run([ebpfctl, "-j", "btf", "dump", "file", obj])
    theirs = run(["bpftool", "-j", "btf", "dump", "file", obj])
    if ours[0] or theirs[0] or btf_json_as_bpftool_71(ours[1]) != json.loads(theirs[1]):
        differ.append((["-j", "btf", "dump", "file", obj], ours, theirs))
    return differ, bpftool_wrong


def layout_asserts(btf_json):
    """C static assertions of every named struct, union and enum's size and every named, non-bitfield member's
    offset, as the BTF records them."""
    types = json.loads(btf_json)["types"]

    def tag_of(t):
        return f"{'enum' if t['kind'].startswith('ENUM') else t['kind'].lower()} {t.get('name', '(anon)')}"

    # A tag name defined twice (struct and enum share the namespace) is written `name___2` the second time:
    # those are left out.
    seen = {}
    for t in types:
        if t["kind"] in ("STRUCT", "UNION", "ENUM", "ENUM64"):
            seen[t.get("name")] = seen.get(t.get("name"), 0) + 1
    out = []
    for t in types:
        kind, name, tag = t["kind"], t.get("name", "(anon)"), tag_of(t)
        if name == "(anon)" or kind not in ("STRUCT", "UNION", "ENUM", "ENUM64") or seen[name] > 1:
            continue
        if kind.startswith("ENUM") and not t.get("vlen"):
            continue  # a forward-declared enum has no size in C
        out.append(f'_Static_assert(sizeof({tag}) == {t["size"]}, "{tag}");')
        for m in t.get("members", []):
            if m["name"] != "(anon)" and not m.get("bitfield_size"):
                out.append(f'_Static_assert(__builtin_offsetof({tag}, {m["name"]}) * 8 == {m["bits_offset"]}, '
                           f'"{tag}.{m["name"]}");')
    return "\n".join(out) + "\n"


def layout_problems(header_text, btf_json, base):
    """Compiles a C header with clang (BPF target) and gcc (host) against the BTF's sizes and offsets; returns the
    compilers' complaints."""
    header, check = f"{base}.h", f"{base}.layout.c"
    with open(header, "w") as f:
        f.write(header_text)
    with open(check, "w") as f:
        f.write(f'#include "{header}"\n' + layout_asserts(btf_json))
    problems = []
    for cc in ([os.environ.get("BPF_CLANG", "clang-19"), "-target", "bpf"], ["gcc"]):
        code, _, err = run([*cc, "-w", "-fsyntax-only", check])
        if code:
            problems.append(f"{cc[0]}: {err.strip()[:600]}")
    return problems


def named_layouts(btf_json):
    """{tag: (size, [(member, bits_offset, bitfield_size)])} of the uniquely named structs and unions."""
    types = json.loads(btf_json)["types"]
    uses = {}
    for t in types:
        if t["kind"] in ("STRUCT", "UNION", "ENUM", "ENUM64"):
            uses[t.get("name")] = uses.get(t.get("name"), 0) + 1
    return {f"{t['kind'].lower()} {t['name']}": (t["size"], [(m["name"], m["bits_offset"], m.get("bitfield_size", 0))
                                                          for m in t["members"]])
            for t in types if t["kind"] in ("STRUCT", "UNION") and t.get("name", "(anon)") != "(anon)"
            and uses[t["name"]] == 1}


def compiled_layout_problems(header_text, btf_json, base):
    """Compiles a C header for BPF with debug info and compares the BTF clang writes for each uniquely named struct
    and union with the original: size, and every member's bit offset and bitfield width (which no
    `offsetof` can check). Returns the types that differ."""
    want = named_layouts(btf_json)
    with open(f"{base}.h", "w") as f:
        f.write(header_text)
    with open(f"{base}.use.c", "w") as f:
        f.write(f'#include "{base}.h"\n' + "".join(f"{tag} *rt_use{i};\n" for i, tag in enumerate(want)))
    code, _, err = run([os.environ.get("BPF_CLANG", "clang-19"), "-target", "bpf", "-g", "-w", "-c",
                        f"{base}.use.c", "-o", f"{base}.use.o"])
    if code:
        return [f"clang -g: {err.strip()[:600]}"]
    got = named_layouts(run(["bpftool", "-j", "btf", "dump", "file", f"{base}.use.o"])[1])
    def same(w, g):  # the header may add an anonymous member to keep a union's size (docs/inspect.md)
        return (g is not None and w[0] == g[0] and g[1][:len(w[1])] == w[1]
                and all(m[0] == "(anon)" for m in g[1][len(w[1]):]))
    return [f"{tag}: BTF {want[tag]}, compiled {got.get(tag)}" for tag in want if not same(want[tag], got.get(tag))]


def header_layout_problems(ebpfctl, obj):
    """ebpfctl's C header of the object must lay every type out as its BTF says."""
    code, text, err = run([ebpfctl, "btf", "dump", "file", obj, "format", "c"])
    if code:
        return [f"btf dump format c: {err.strip()}"]
    btf_json = run([ebpfctl, "-j", "btf", "dump", "file", obj])[1]
    return layout_problems(text, btf_json, obj) + compiled_layout_problems(text, btf_json, obj)


def check_round(ebpfctl, rng, n, work, keep, tag, summary):
    src = source(rng)
    c, o = f"{work}/r{n}.bpf.c", f"{work}/r{n}.bpf.o"
    with open(c, "w") as f:
        f.write(src)
    summary["rounds"] += 1
    clang = os.environ.get("BPF_CLANG", "clang-19")
    includes = [f"-I{d}" for d in os.environ.get("BPF_INCLUDES", "").split(":") if d]
    code, _, err = run([clang, "-O2", "-g", "-target", "bpf", f"-I{ROOT}/bpf", *includes, "-c", c, "-o", o])
    if code:
        summary["problems"] += 1
        print(f"round {n}: does not compile: {err.strip()[-300:]}")
        return
    for problem in header_layout_problems(ebpfctl, o):
        summary["problems"] += 1
        print(f"round {n}: C header layout: {problem}")
        if keep:
            os.makedirs(f"{keep}/{tag}-r{n}-layout", exist_ok=True)
            for f in (c, f"{o}.h", f"{o}.layout.c"):
                shutil.copy(f, f"{keep}/{tag}-r{n}-layout")
    differ, bpftool_wrong = compare_btf(ebpfctl, o)
    summary["btf_bpftool_layout_wrong"] += bpftool_wrong
    if differ:
        summary["btf_differ"] += 1
        print(f"round {n}: {' '.join(differ[0][0][:5])} differs from bpftool")
        if keep:
            keep_difference(f"{keep}/{tag}-r{n}-btf", c, differ)
    elif not bpftool_wrong:
        summary["btf_equal"] += 1
    shutil.rmtree(BPFFS, ignore_errors=True)
    os.makedirs(BPFFS)
    code, _, err = run(["bpftool", "prog", "loadall", o, f"{BPFFS}/p", "pinmaps", f"{BPFFS}/m"])
    verdict = run([ebpfctl, "-j", "compat", "check", o])
    if verdict[0] in (0, 1) and json.loads(verdict[1])["compatible"] == (code == 0):
        summary["compat_agree"] += 1
    else:
        summary["problems"] += 1
        print(f"round {n}: compat check says {verdict[1][:300]!r} (exit {verdict[0]}), bpftool load exit {code}")
    if code:
        summary["unloadable"] += 1
        print(f"round {n}: bpftool does not load it: {err.strip()[-200:]}")
        return
    summary["objects"] += 1
    accepted = Accepted(src)
    for name in sorted(os.listdir(f"{BPFFS}/m")):
        entries, differ = compare_map(ebpfctl, rng, f"{BPFFS}/m/{name}", accepted)
        summary["maps"] += 1
        summary["entries"] += entries
        if not differ:
            summary["equal"] += 1
            continue
        summary["differ"] += 1
        print(f"round {n} map {name}: {' '.join(differ[0][0][:3])} differs from bpftool")
        if keep:
            keep_difference(f"{keep}/{tag}-r{n}-{name}", c, differ)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    ebpfctl, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    keep = sys.argv[4] if len(sys.argv) == 5 else None
    rng = random.Random(seed)
    work = f"/tmp/ebpfctl-random-types-{os.getpid()}"
    os.makedirs(work, exist_ok=True)
    summary = dict.fromkeys(["rounds", "btf_equal", "btf_differ", "btf_bpftool_layout_wrong", "objects", "unloadable", "compat_agree", "maps", "entries", "equal", "differ",
                             "problems"], 0)
    try:
        for n in range(rounds):
            check_round(ebpfctl, rng, n, work, keep, f"seed{seed}", summary)
    finally:
        shutil.rmtree(BPFFS, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary))
    sys.exit(1 if summary["differ"] or summary["btf_differ"] or summary["problems"] else 0)


if __name__ == "__main__":
    main()
