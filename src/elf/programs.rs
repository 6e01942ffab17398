//! Programs and subprograms: one per function symbol in an executable section, typed by libbpf's SEC() table,
//! with the helpers, kfuncs, maps and subprograms their instructions reach (following calls transitively).

use std::collections::{BTreeSet, HashMap, VecDeque};

use object::elf;
use serde::Serialize;

use super::helpers::HELPER_NAMES;
use super::{maps, sec_defs, Elf, Sym};

const INSN_SIZE: u64 = 8;
const BPF_CALL: u8 = 0x85;
const BPF_LD_IMM64: u8 = 0x18;
const PSEUDO_CALL: u8 = 1;
const PSEUDO_KFUNC_CALL: u8 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub name: String,
    pub section: String,
    /// libbpf's program type name ("unspec" when no SEC() pattern matches).
    #[serde(rename = "type")]
    pub prog_type: &'static str,
    pub expected_attach_type: Option<&'static str>,
    pub attach_target: Option<String>,
    pub sleepable: bool,
    /// Offset of the first instruction in its section, in bytes.
    pub offset: u64,
    pub insns: u64,
    pub license: Option<String>,
    pub global: bool,
    /// A global function the kernel verifies on its own, whatever its callers pass (BTF linkage global: libbpf
    /// makes a hidden one static).
    #[serde(skip)]
    pub verified_alone: bool,
    pub helpers: Vec<String>,
    pub kfuncs: Vec<String>,
    pub maps: Vec<String>,
    pub subprograms: Vec<String>,
    /// libbpf loads it unless the section name starts with '?' (libbpf's "autoload off" convention).
    #[serde(skip)]
    pub autoload: bool,
    /// What each referring instruction of this function points at, by instruction index in the function.
    #[serde(skip)]
    pub refs: Vec<(usize, InsnRef)>,
    #[serde(skip)]
    pub(crate) section_index: usize,
    /// The function's instructions as little-endian words (empty for a big-endian object): what `compat check`'s
    /// reachability walk reads.
    #[serde(skip)]
    pub code: Vec<u64>,
}

/// What one instruction refers to: a helper or kfunc it calls, a subprogram it calls or takes the address of (a
/// callback, BPF_PSEUDO_FUNC once libbpf relocates it), or the global data or extern an `ld_imm64` loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsnRef {
    Helper(u32),
    Kfunc(String),
    Call(String),
    FuncAddr(String),
    /// A map (BTF-defined or legacy).
    Map(String),
    /// A global variable: its section and byte offset there (the symbol's value plus the instruction's addend).
    Data {
        section: String,
        offset: u64,
    },
    Extern(String),
}

/// A reference before subprogram names are known: calls and callbacks still name (section, offset).
enum RawRef {
    Resolved(InsnRef),
    Call(usize, u64),
    FuncAddr(usize, u64),
}

/// What one function's own instructions refer to.
#[derive(Default)]
struct Refs {
    helpers: BTreeSet<u32>,
    kfuncs: BTreeSet<String>,
    maps: BTreeSet<String>,
    calls: Vec<(usize, u64)>,
    at: Vec<(usize, RawRef)>,
}

/// Returns (programs, subprograms): functions outside .text are programs, as libbpf sees them.
pub fn collect(
    elf: &Elf,
    license: Option<&str>,
    warnings: &mut Vec<String>,
) -> (Vec<Program>, Vec<Program>) {
    let mut funcs: Vec<Program> = Vec::new();
    let mut refs: HashMap<(usize, u64), Refs> = HashMap::new();
    for (idx, sec) in elf.sections.iter().enumerate() {
        if sec.kind != "progbits" || !sec.flags.contains('X') || sec.size == 0 {
            continue;
        }
        let mut syms: Vec<&Sym> = elf
            .symbols
            .iter()
            .flatten()
            .filter(|s| s.section == Some(idx) && s.st_type == elf::STT_FUNC)
            .collect();
        syms.sort_by_key(|s| s.value);
        for (i, sym) in syms.iter().enumerate() {
            let end = syms.get(i + 1).map_or(sec.size, |n| n.value);
            let size = if sym.size != 0 {
                sym.size
            } else {
                end.saturating_sub(sym.value)
            };
            let mut p = new_program(idx, &sec.name, sym, size, license);
            p.code = words(elf, idx, sym.value, size);
            if sec.name != ".text" && sym.st_bind == elf::STB_LOCAL {
                warnings.push(format!(
                    "program {} in {} is static: libbpf rejects static programs",
                    p.name, sec.name
                ));
            }
            refs.insert((idx, sym.value), scan(elf, idx, sym.value, size));
            funcs.push(p);
        }
    }
    let by_start: HashMap<(usize, u64), String> = funcs
        .iter()
        .map(|f| ((f.section_index, f.offset), f.name.clone()))
        .collect();
    for f in &mut funcs {
        close_over_calls(f, &refs, &by_start);
        if let Some(r) = refs.get(&(f.section_index, f.offset)) {
            f.refs = resolve_refs(&r.at, &by_start);
        }
    }
    funcs.into_iter().partition(|f| f.section != ".text")
}

fn new_program(idx: usize, section: &str, sym: &Sym, size: u64, license: Option<&str>) -> Program {
    // libbpf matches SEC("?name") as "name" with autoload off.
    let autoload = !section.starts_with('?');
    let m = sec_defs::find(section.strip_prefix('?').unwrap_or(section));
    Program {
        name: sym.name.clone(),
        section: section.to_string(),
        prog_type: m.as_ref().map_or("unspec", |m| m.def.prog_type),
        expected_attach_type: m.as_ref().and_then(|m| m.def.attach_type),
        attach_target: m.as_ref().and_then(|m| m.target.clone()),
        sleepable: m.as_ref().is_some_and(|m| m.def.sleepable),
        offset: sym.value,
        insns: size / INSN_SIZE,
        license: license.map(str::to_string),
        global: sym.st_bind != elf::STB_LOCAL,
        verified_alone: sym.st_bind != elf::STB_LOCAL && sym.st_visibility != elf::STV_HIDDEN,
        helpers: Vec::new(),
        kfuncs: Vec::new(),
        maps: Vec::new(),
        subprograms: Vec::new(),
        autoload,
        refs: Vec::new(),
        section_index: idx,
        code: Vec::new(),
    }
}

fn words(elf: &Elf, sec: usize, start: u64, size: u64) -> Vec<u64> {
    let data = elf.section_data[sec];
    let range = usize::try_from(start)
        .ok()
        .zip(usize::try_from(start.saturating_add(size)).ok())
        .and_then(|(a, b)| data.get(a..b));
    match range {
        Some(bytes) if !elf.big_endian => bytes
            .chunks_exact(INSN_SIZE as usize)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads one function's instructions for calls and map loads.
fn scan(elf: &Elf, sec: usize, start: u64, size: u64) -> Refs {
    let mut refs = Refs::default();
    let data = elf.section_data[sec];
    let mut pc = 0u64;
    while pc < size / INSN_SIZE {
        let Some(off) = start.checked_add(pc * INSN_SIZE) else {
            break;
        };
        let Some(insn) = usize::try_from(off)
            .ok()
            .and_then(|o| data.get(o..o.checked_add(INSN_SIZE as usize)?))
        else {
            break;
        };
        let code = insn[0];
        let src = if elf.big_endian {
            insn[1] & 0x0f
        } else {
            insn[1] >> 4
        };
        let imm = super::read_u32(insn, 4, elf.big_endian).unwrap_or(0) as i32;
        let reloc = elf.reloc_at(sec, off);
        let at = pc as usize;
        if code == BPF_CALL {
            match reloc {
                Some(sym) if sym.undefined => {
                    refs.kfuncs.insert(sym.name.clone());
                    refs.at
                        .push((at, RawRef::Resolved(InsnRef::Kfunc(sym.name.clone()))));
                }
                Some(sym) => {
                    if let Some(target_sec) = sym.section {
                        // A call through a section symbol encodes the target in imm, as libbpf decodes it.
                        let target = if sym.st_type == elf::STT_SECTION {
                            sym.value.wrapping_add((imm as i64 + 1).wrapping_mul(INSN_SIZE as i64) as u64)
                        } else {
                            sym.value
                        };
                        refs.calls.push((target_sec, target));
                        refs.at.push((at, RawRef::Call(target_sec, target)));
                    }
                }
                None if src == PSEUDO_CALL => {
                    let target = off.wrapping_add(((imm as i64 + 1) * INSN_SIZE as i64) as u64);
                    refs.calls.push((sec, target));
                    refs.at.push((at, RawRef::Call(sec, target)));
                }
                None if src == PSEUDO_KFUNC_CALL => {
                    refs.kfuncs.insert(format!("btf_id:{imm}"));
                }
                None => {
                    refs.helpers.insert(imm as u32);
                    refs.at
                        .push((at, RawRef::Resolved(InsnRef::Helper(imm as u32))));
                }
            }
        } else if code == BPF_LD_IMM64 {
            if let Some(sym) = reloc {
                if let Some(name) = maps::map_name_for_symbol(elf, sym) {
                    refs.maps.insert(name);
                }
                if let Some(r) = ld_imm64_ref(elf, sym, imm) {
                    // libbpf appends a callback (bpf_loop, timers, for_each_map_elem) as it does a callee.
                    if let RawRef::FuncAddr(sec, target) = r {
                        refs.calls.push((sec, target));
                    }
                    refs.at.push((at, r));
                }
            }
            pc += 1;
        }
        pc += 1;
    }
    refs
}

/// What an `ld_imm64` with a relocation against `sym` loads: an extern, a subprogram's address (a callback), or
/// a global variable (libbpf adds the symbol's value to the instruction's addend).
fn ld_imm64_ref(elf: &Elf, sym: &Sym, imm: i32) -> Option<RawRef> {
    if sym.undefined {
        return Some(RawRef::Resolved(InsnRef::Extern(sym.name.clone())));
    }
    let sec_idx = sym.section?;
    let sec = elf.sections.get(sec_idx)?;
    let offset = sym.value.wrapping_add(imm as i64 as u64);
    if sec.flags.contains('X') {
        let target = if sym.st_type == elf::STT_SECTION {
            offset
        } else {
            sym.value
        };
        return Some(RawRef::FuncAddr(sec_idx, target));
    }
    if sec.name == ".maps" || sec.name == "maps" {
        return Some(RawRef::Resolved(InsnRef::Map(sym.name.clone())));
    }
    super::data::is_data_section(sec)?;
    Some(RawRef::Resolved(InsnRef::Data {
        section: sec.name.clone(),
        offset,
    }))
}

fn helper_name(id: u32) -> String {
    match HELPER_NAMES.get(id as usize) {
        Some(name) if id != 0 => name.to_string(),
        _ => format!("helper_{id}"),
    }
}

/// Names the subprogram targets of calls and callbacks; a target that is not a function start is dropped.
fn resolve_refs(
    at: &[(usize, RawRef)],
    names: &HashMap<(usize, u64), String>,
) -> Vec<(usize, InsnRef)> {
    at.iter()
        .filter_map(|(i, r)| {
            let r = match r {
                RawRef::Resolved(r) => r.clone(),
                RawRef::Call(sec, off) => InsnRef::Call(names.get(&(*sec, *off))?.clone()),
                RawRef::FuncAddr(sec, off) => InsnRef::FuncAddr(names.get(&(*sec, *off))?.clone()),
            };
            Some((*i, r))
        })
        .collect()
}

/// A program's helpers, kfuncs and maps include those of every subprogram it can call.
fn close_over_calls(
    f: &mut Program,
    refs: &HashMap<(usize, u64), Refs>,
    names: &HashMap<(usize, u64), String>,
) {
    let root = (f.section_index, f.offset);
    let mut seen = BTreeSet::from([root]);
    let mut queue = VecDeque::from([root]);
    let (mut helpers, mut kfuncs, mut maps, mut subs) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    while let Some(key) = queue.pop_front() {
        let Some(r) = refs.get(&key) else { continue };
        helpers.extend(r.helpers.iter().copied());
        kfuncs.extend(r.kfuncs.iter().cloned());
        maps.extend(r.maps.iter().cloned());
        for call in &r.calls {
            if seen.insert(*call) {
                if let Some(name) = names.get(call) {
                    subs.insert(name.clone());
                }
                queue.push_back(*call);
            }
        }
    }
    f.helpers = helpers.into_iter().map(helper_name).collect();
    f.kfuncs = kfuncs.into_iter().collect();
    f.maps = maps.into_iter().collect();
    f.subprograms = subs.into_iter().collect();
}
