#!/usr/bin/env python3
"""The layering rules of docs/ARCHITECTURE.md, checked on the source: which top-level module may import which, no
import cycle between files, files within 800 lines and functions within 80 (tests excepted). Run by `make lint`;
prints each violation and exits 1, or exits 0 silently.

A file's imports are the `crate::…` and `super::…` paths it names anywhere outside its #[cfg(test)] module, each
resolved to the file of the longest module prefix (`crate::cmd::map::open::OpenMap` → src/cmd/map/open.rs)."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# Top-level modules each layer may import (besides itself). Libraries never import the command layers.
LIBRARIES = {"btf", "elf", "fastfmt", "bpf_disasm"}
ALLOWED = {
    "main": None,  # the binary's root: everything
    "cli": set(),
    "cmd": None,  # commands use every layer below them
    "output": {"sys", "btf", "elf", "compat", "probe", "mapdata", "error", "fastfmt", "bpf_disasm", "check"},
    "check": {"sys", "btf", "elf", "error", "loader", "userspace", "probe", "fastfmt"},
    "compat": {"sys", "btf", "elf", "error", "probe", "loader", "input"},
    "probe": {"sys", "btf", "elf", "error"},
    "loader": {"sys", "btf", "elf", "error", "input"},
    "mapdata": {"sys", "btf", "error", "fastfmt"},
    "userspace": {"sys", "elf", "error", "input"},
    "input": {"sys", "btf", "elf", "error"},
    "error": {"sys"},
    "sys": {"error", "btf", "elf", "fastfmt"},
    "btf": {"fastfmt"},
    "elf": {"btf"},
    "fastfmt": set(),
    "bpf_disasm": set(),
}
MAX_FILE_LINES = 800
MAX_FN_LINES = 80


def module_files():
    files = {}
    for root, _, names in os.walk(SRC):
        for name in names:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, name), SRC)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts == ["main"]:
                parts = []
            files[tuple(parts)] = rel
    return files


def imports_of(path, module, files):
    text = open(os.path.join(SRC, path)).read()
    text = text.split("#[cfg(test)]", 1)[0]
    text = re.sub(r"//[^\n]*", "", text)
    found = set()
    # `use crate::a::{b, c::d}` groups are flattened one level, which is all this code base uses.
    for m in re.finditer(r"\b(crate|super)((?:::\w+)+)(::\{([^}]*)\})?", text):
        base = [] if m.group(1) == "crate" else list(module[:-1] if not path.endswith("mod.rs") else module[:-1])
        if m.group(1) == "super" and path.endswith("mod.rs"):
            base = list(module[:-1])
        elif m.group(1) == "super":
            base = list(module[:-1])
        head = base + m.group(2).strip(":").split("::")
        tails = [[]]
        if m.group(4):
            tails = [t.strip().split("::") for t in m.group(4).split(",") if t.strip()]
        for tail in tails:
            full = head + [p for p in tail if p != "self"]
            for n in range(len(full), 0, -1):
                if tuple(full[:n]) in files:
                    found.add(tuple(full[:n]))
                    break
    found.discard(module)
    return found


def size_errors(files):
    """Files over MAX_FILE_LINES; functions over MAX_FN_LINES before a file's #[cfg(test)] module (a function
    ends at the first line that is its own indentation followed by `}`)."""
    errors = []
    for path in files.values():
        lines = open(os.path.join(SRC, path)).read().split("\n")
        if len(lines) > MAX_FILE_LINES:
            errors.append(f"{path} has {len(lines)} lines (at most {MAX_FILE_LINES})")
        end = next((i for i, l in enumerate(lines) if l.strip() == "#[cfg(test)]"), len(lines))
        for i, line in enumerate(lines[:end]):
            m = re.match(r"^(\s*)(?:pub(?:\([a-z]+\))? )?(?:const )?(?:unsafe )?fn (\w+)", line)
            if not m:
                continue
            close = m.group(1) + "}"
            j = next((j for j in range(i + 1, end) if lines[j] == close), i)
            if j - i + 1 > MAX_FN_LINES:
                errors.append(f"{path}:{i + 1}: fn {m.group(2)} has {j - i + 1} lines (at most {MAX_FN_LINES})")
    return errors


def main():
    files = module_files()
    graph = {m: imports_of(p, m, files) for m, p in files.items()}
    errors = size_errors(files)
    for mod, deps in graph.items():
        top = mod[0] if mod else "main"
        allowed = ALLOWED.get(top)
        for dep in deps:
            dtop = dep[0] if dep else "main"
            if dtop == top or allowed is None:
                continue
            if dtop not in allowed:
                errors.append(f"{files[mod]} imports {files[dep]}: {top}/ may not import {dtop}/")
    # Cycles between files: a module and its own child are one unit (a parent's `pub mod` is not a use).
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            strong(v)
    for comp in sccs:
        errors.append("import cycle: " + " <-> ".join(sorted(files[m] for m in comp)))
    for e in sorted(errors):
        print(f"check-layers: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
