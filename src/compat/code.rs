//! What of a program the kernel gets and what of it the verifier walks. libbpf appends every subprogram a program
//! calls or takes the address of (a callback), so those instructions are all checked by the kernel's pre-passes
//! (kfunc calls, callback operands, kernel symbols); the verifier then walks only the paths that constants leave
//! open: CO-RE values libbpf patches in, read-only global data (.rodata, frozen by libbpf) and kconfig values. A
//! helper behind `if (LINUX_HAS_BPF_COOKIE)` or `const volatile bool use_x = false` is never reached where the
//! constant rules it out, so only reached calls are held against the kernel.

use std::collections::{HashMap, HashSet};

use super::reach::{self, Imm64, KnownMemory};
use super::ReloVerdict;
use crate::elf::{InsnRef, ObjectFile, Program};

/// What libbpf makes of an extern on one kernel, as far as the check can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternValue {
    /// A kconfig value laid out as libbpf writes it (little-endian bytes of the extern's size).
    Bytes(Vec<u8>),
    /// A kconfig value that cannot be known here (no --kconfig, version of a kernel not running).
    UnknownValue,
    /// A kernel symbol or kfunc libbpf resolves: an address or BTF id, never 0.
    Resolved,
    /// An untyped `__ksym` libbpf resolves: its address from kallsyms, a scalar the verifier knows is not 0.
    Address,
    /// A weak extern libbpf cannot resolve: it reads as 0 (and its kfunc calls are poisoned).
    Unresolved,
}

/// Reachable instructions per function (None: the walk gave up, take everything; a function no reached call
/// enters has an empty walk).
pub struct Reach<'o> {
    functions: HashMap<&'o str, &'o Program>,
    reached: HashMap<&'o str, Option<reach::Walk>>,
}

/// Walks of one function with different arguments before the rest are taken as unknown.
const MAX_CONTEXTS: usize = 8;

/// Kernels from 6.8 verify a global subprogram only when a reached call enters it (lazy validation); older ones
/// verify every global subprogram of a program on its own, called or not.
pub const LAZY_GLOBALS: u32 = (6 << 16) | (8 << 8);

impl<'o> Reach<'o> {
    /// Walks every program of `obj` with its relocations patched in and the known constants, and the subprograms
    /// the verifier enters: a static one from each reached call, with the constants the call passes (the verifier
    /// checks it in its caller's state), a global one on its own (unknown arguments), from a reached call where
    /// `lazy_globals`, always otherwise, and a callback whose address a reached instruction takes.
    pub fn new(
        obj: &'o ObjectFile,
        relos: &[ReloVerdict],
        externs: &HashMap<String, ExternValue>,
        lazy_globals: bool,
    ) -> Reach<'o> {
        let functions: HashMap<&str, &Program> = obj
            .programs
            .iter()
            .chain(&obj.subprograms)
            .map(|f| (f.name.as_str(), f))
            .collect();
        let mut work: Vec<(&str, reach::Args)> = obj
            .programs
            .iter()
            .map(|p| (p.name.as_str(), reach::ENTRY))
            .collect();
        if !lazy_globals {
            work.extend(
                obj.subprograms
                    .iter()
                    .filter(|f| f.verified_alone)
                    .map(|f| (f.name.as_str(), reach::ENTRY)),
            );
        }
        let mut contexts: HashMap<&str, HashSet<reach::Args>> = HashMap::new();
        let mut reached: HashMap<&str, Option<reach::Walk>> = HashMap::new();
        while let Some((name, args)) = work.pop() {
            let Some(&f) = functions.get(name) else {
                continue;
            };
            let seen = contexts.entry(name).or_default();
            let args = if seen.len() >= MAX_CONTEXTS {
                reach::ENTRY
            } else {
                args
            };
            if !seen.insert(args) {
                continue;
            }
            let found = walk(obj, f, relos, externs, &args);
            work.extend(entered(f, found.as_ref(), &functions));
            let slot = reached
                .entry(name)
                .or_insert_with(|| Some(reach::Walk::default()));
            match (slot.as_mut(), found) {
                (Some(all), Some(w)) => all.merge(w),
                _ => *slot = None,
            }
        }
        for name in functions.keys() {
            reached
                .entry(name)
                .or_insert_with(|| Some(reach::Walk::default()));
        }
        Reach { functions, reached }
    }

    /// Whether the walk followed function `f` (otherwise every instruction counts as reached).
    pub fn walked(&self, f: &str) -> bool {
        matches!(self.reached.get(f), Some(Some(_)))
    }

    /// Whether instruction `insn` of function `f` may be reached.
    pub fn reached(&self, f: &str, insn: usize) -> bool {
        match self.reached.get(f) {
            Some(Some(walk)) => walk.reached.contains(&insn),
            _ => true,
        }
    }

    /// The reachable context loads of `prog` and of the subprograms it hands its context to as r1 (tools pick a
    /// tracepoint argument by kernel version in a helper function shared by their tp_btf and raw_tp programs),
    /// transitively, as (byte offset from the program's context, size).
    pub fn ctx_loads_through_calls(&self, prog: &'o Program) -> Vec<(i64, usize)> {
        let mut out = Vec::new();
        let mut seen: HashSet<(&str, i64)> = HashSet::new();
        let mut work = vec![(prog.name.as_str(), 0i64)];
        while let Some((name, base)) = work.pop() {
            if !seen.insert((name, base)) {
                continue;
            }
            let (Some(Some(walk)), Some(f)) = (self.reached.get(name), self.functions.get(name))
            else {
                continue;
            };
            out.extend(walk.ctx_loads.iter().map(|&(off, size)| (off + base, size)));
            for &(pc, offset) in &walk.ctx_calls {
                let callee = f.refs.iter().find_map(|(at, r)| match r {
                    InsnRef::Call(callee) if *at == pc => Some(callee.as_str()),
                    _ => None,
                });
                if let Some(callee) = callee {
                    work.push((callee, base + offset));
                }
            }
        }
        out
    }

    /// Every function libbpf loads as part of `prog`: itself and the subprograms it calls or takes the address of,
    /// transitively.
    pub fn loaded(&self, prog: &'o Program) -> Vec<&'o Program> {
        self.closure(prog, |_, _| true)
    }

    /// Reached instructions of `prog` (and the functions it enters) that apply a refused operator to a pointer,
    /// as (function, instruction index).
    pub fn pointer_alu(&self, prog: &'o Program) -> Vec<(&'o str, usize)> {
        let mut out: Vec<(&str, usize)> = self
            .closure(prog, |f, i| self.reached(&f.name, i))
            .into_iter()
            .filter_map(|f| {
                Some((
                    f.name.as_str(),
                    self.reached.get(f.name.as_str())?.as_ref()?,
                ))
            })
            .flat_map(|(name, w)| w.pointer_alu.iter().map(move |&pc| (name, pc)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The first reached load or store of `prog`'s own function through its context at an offset held in the
    /// register, as (instruction, offset). Only the program's function: there r1 is the context for certain, where a
    /// global function walked on its own gets r1 as the context whatever its first parameter is.
    pub fn modified_ctx(&self, prog: &Program) -> Option<(usize, i64)> {
        let walk = self.reached.get(prog.name.as_str())?.as_ref()?;
        walk.modified_ctx.iter().min().copied()
    }

    /// The (function, reference) pairs of `prog` the verifier may walk.
    pub fn reached_refs(&self, prog: &'o Program) -> Vec<(&'o Program, &'o InsnRef)> {
        self.closure(prog, |f, i| self.reached(&f.name, i))
            .into_iter()
            .flat_map(|f| {
                f.refs
                    .iter()
                    .filter(|(i, _)| self.reached(&f.name, *i))
                    .map(move |(_, r)| (f, r))
            })
            .collect()
    }

    /// `prog` and the functions reached from it through references `follow` accepts.
    fn closure(
        &self,
        prog: &'o Program,
        follow: impl Fn(&Program, usize) -> bool,
    ) -> Vec<&'o Program> {
        let mut seen: HashSet<&str> = HashSet::from([prog.name.as_str()]);
        let mut out = vec![prog];
        let mut i = 0;
        while let Some(f) = out.get(i).copied() {
            i += 1;
            for (at, r) in &f.refs {
                let (InsnRef::Call(name) | InsnRef::FuncAddr(name)) = r else {
                    continue;
                };
                if !follow(f, *at) || !seen.insert(name.as_str()) {
                    continue;
                }
                if let Some(g) = self.functions.get(name.as_str()) {
                    out.push(g);
                }
            }
        }
        out
    }
}

/// The functions a walk of `f` enters, with their arguments (every one it refers to when the walk gave up).
fn entered<'o>(
    f: &'o Program,
    found: Option<&reach::Walk>,
    functions: &HashMap<&str, &'o Program>,
) -> Vec<(&'o str, reach::Args)> {
    let mut out = Vec::new();
    for (at, r) in &f.refs {
        let (InsnRef::Call(callee) | InsnRef::FuncAddr(callee)) = r else {
            continue;
        };
        let alone = matches!(r, InsnRef::FuncAddr(_))
            || functions
                .get(callee.as_str())
                .is_some_and(|g| g.verified_alone);
        match found {
            None => out.push((callee.as_str(), reach::ENTRY)),
            Some(w) if alone => {
                if w.reached.contains(at) {
                    out.push((callee.as_str(), reach::ENTRY));
                }
            }
            Some(w) => out.extend(
                w.calls
                    .get(at)
                    .into_iter()
                    .flatten()
                    .map(|args| (callee.as_str(), *args)),
            ),
        }
    }
    out
}

/// The reachable instructions of one function entered with `args`.
fn walk(
    obj: &ObjectFile,
    f: &Program,
    relos: &[ReloVerdict],
    externs: &HashMap<String, ExternValue>,
    args: &reach::Args,
) -> Option<reach::Walk> {
    if f.code.is_empty() {
        return None;
    }
    let mut code = f.code.clone();
    for r in relos
        .iter()
        .filter(|r| r.program.as_deref() == Some(f.name.as_str()))
    {
        let (Some(insns), Ok(at)) = (r.resolution.insns, usize::try_from(r.insn)) else {
            continue;
        };
        for (slot, word) in code.iter_mut().skip(at).zip(insns) {
            *slot = word;
        }
    }
    reach::reachable_with(&code, &known_memory(obj, f, externs), args)
}

/// The read-only memory `f` loads from: .rodata sections as compiled, kconfig values as libbpf fills them in.
fn known_memory(
    obj: &ObjectFile,
    f: &Program,
    externs: &HashMap<String, ExternValue>,
) -> KnownMemory {
    let mut known = KnownMemory::default();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (at, r) in &f.refs {
        let imm = match r {
            InsnRef::Data { section, offset } => {
                match obj.rodata.iter().find(|(name, _)| name == section) {
                    Some((name, bytes)) => {
                        let m = *index.entry(name.as_str()).or_insert_with(|| {
                            known.mem.push(Some(bytes.clone()));
                            known.mem.len() - 1
                        });
                        Imm64::Ptr(m, *offset as i64)
                    }
                    None => Imm64::Unknown,
                }
            }
            InsnRef::Extern(name) => match externs.get(name) {
                Some(ExternValue::Bytes(b)) => {
                    known.mem.push(Some(b.clone()));
                    Imm64::Ptr(known.mem.len() - 1, 0)
                }
                Some(ExternValue::UnknownValue) => {
                    known.mem.push(None);
                    Imm64::Ptr(known.mem.len() - 1, 0)
                }
                Some(ExternValue::Unresolved) => Imm64::Const(0),
                Some(ExternValue::Resolved) => Imm64::NonNull,
                Some(ExternValue::Address) => Imm64::Nonzero,
                None => Imm64::Unknown,
            },
            InsnRef::Map(_) | InsnRef::FuncAddr(_) => Imm64::Unknown,
            InsnRef::Helper(_) | InsnRef::Kfunc(_) | InsnRef::Call(_) => continue,
        };
        known.imm64.insert(*at, imm);
    }
    known
}
