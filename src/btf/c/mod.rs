//! BTF as a C header, the way libbpf's btf_dump (and so `bpftool btf dump ... format c`) writes it: types in id
//! order (or bpftool 7.6+'s sorted order, sort.rs), each preceded by what it needs (forward declarations for pointers, full definitions for embedded types),
//! anonymous types inlined, duplicate names suffixed `___N`, padding and `packed` made explicit so the compiler
//! reproduces the original layout. Following libbpf step by step keeps the output byte-identical to bpftool's,
//! which the tests check on the running kernel's BTF.

mod decl;
mod emit;
mod order;
mod sort;

use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

use super::types::{Kind, Type};
use super::{err, Btf, Result, MAX_DEPTH};

/// FxHash (rustc's hasher): the name tables see every type and enumerator name of a kernel, and SipHash's
/// flooding resistance buys nothing for names read from a file we are only printing. Measured: ~8% of `format c`.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Names borrowed from the blob: a C dump of vmlinux counts ~100k of them, each a String before.
type NameMap<'a> = HashMap<&'a str, usize, BuildHasherDefault<FxHasher>>;

/// A type's C name once resolved: its own (borrowed from the blob) or a `___N` rename.
#[derive(Clone)]
enum Name<'a> {
    Unresolved,
    Own(&'a str),
    Renamed(Box<str>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Not,
    InProgress,
    Done,
}

/// Work and output allowed per byte of BTF, beyond which hostile BTF (anonymous types shared exponentially,
/// declarator DAGs) is refused. Real BTF stays near 1 byte of C per byte of BTF; limits are linear, so generous.
const MAX_STEPS_PER_BYTE: usize = 64;
const MAX_OUTPUT_PER_BYTE: usize = 64;

pub(crate) struct CDumper<'a> {
    btf: &'a Btf,
    out: String,
    order: Vec<State>,
    emit: Vec<State>,
    fwd_emitted: Vec<bool>,
    referenced: Vec<bool>,
    names: Vec<Name<'a>>,
    type_names: NameMap<'a>,
    ident_names: NameMap<'a>,
    queue: Vec<u32>,
    /// Declarator stacks kept for reuse: one allocation per nesting level instead of one per declaration.
    decl_pool: Vec<Vec<u32>>,
    align_cache: Vec<u32>,
    ptr_size: u32,
    depth: usize,
    steps: usize,
    max_steps: usize,
    max_output: usize,
    /// Leave const, volatile and restrict out of declarations (libbpf's `strip_mods`): a skeleton's view of
    /// `const volatile` globals is written by the loader before load.
    strip_mods: bool,
}

/// The types `roots` (all types when empty: in id order, or in bpftool 7.6+'s sorted order when `sorted`) as C
/// declarations, without the vmlinux.h guards.
pub fn dump_c(btf: &Btf, roots: &[u32], sorted: bool) -> Result<String> {
    dump_c_after(btf, roots, sorted, "")
}

/// `dump_c` appended to `head`, so that a header's guards need no second copy of megabytes of output.
fn dump_c_after(btf: &Btf, roots: &[u32], sorted: bool, head: &str) -> Result<String> {
    // Sorted before the dumper's tables exist, so that they and the output can take the memory the sort frees.
    let all: Vec<u32>;
    let roots = match (roots.is_empty(), sorted) {
        (false, _) => roots,
        (true, true) => {
            all = sort::sorted_ids(btf);
            &all[..]
        }
        (true, false) => {
            all = (1..btf.type_count()).collect();
            &all[..]
        }
    };
    let mut d = CDumper::new(btf);
    d.out.push_str(head);
    for &id in roots {
        d.dump_type(id)?;
    }
    Ok(d.out)
}

/// `dump_c` wrapped as bpftool wraps it: include guards and `preserve_access_index` for CO-RE, so the result can
/// be used as vmlinux.h.
pub fn dump_c_header(btf: &Btf, roots: &[u32], sorted: bool) -> Result<String> {
    const HEAD: &str = "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n\
        #ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n\
        #pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n\
        #endif\n\n";
    let mut out = dump_c_after(btf, roots, sorted, HEAD)?;
    out.push_str("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n");
    out.push_str("#endif /* __VMLINUX_H__ */\n");
    Ok(out)
}

/// Declarations of single names (`__u64 hits`, `struct { ... } totals`) from one BTF, as libbpf's
/// `btf_dump__emit_type_decl` writes them; one writer per BTF keeps `___N` renames consistent between calls.
pub struct DeclWriter<'a>(CDumper<'a>);

impl<'a> DeclWriter<'a> {
    pub fn new(btf: &'a Btf) -> Self {
        DeclWriter(CDumper::new(btf))
    }

    /// `name` declared with type `id`, anonymous types inlined at indentation `lvl` (tabs); with `strip_mods`,
    /// without const/volatile/restrict anywhere in it.
    pub fn decl(&mut self, id: u32, name: &str, lvl: usize, strip_mods: bool) -> Result<String> {
        self.0.strip_mods = strip_mods;
        let r = self.0.emit_type_decl(id, name, lvl);
        self.0.strip_mods = false;
        r.map(|()| std::mem::take(&mut self.0.out))
    }
}

fn pfx(lvl: usize) -> &'static str {
    const TABS: &str = "\t\t\t\t\t\t\t\t\t\t\t\t\t";
    &TABS[..lvl.min(TABS.len())]
}

/// Appends `v` in decimal. Enumerator values, bitfield widths and array lengths are written ~100k times for
/// vmlinux; core::fmt's machinery (a Formatter, dynamic calls per piece) cost more than the digits.
fn push_u64(out: &mut String, v: u64) {
    // SAFETY: fastfmt appends ASCII digits only, so the String stays UTF-8.
    crate::fastfmt::push_u64(unsafe { out.as_mut_vec() }, v);
}

fn push_i64(out: &mut String, v: i64) {
    // SAFETY: as in push_u64: ASCII digits and a minus sign.
    crate::fastfmt::push_i64(unsafe { out.as_mut_vec() }, v);
}

impl<'a> CDumper<'a> {
    fn new(btf: &'a Btf) -> Self {
        let n = btf.type_count() as usize;
        let names = name_counts(btf);
        let mut d = CDumper {
            btf,
            out: String::with_capacity(n * 40),
            order: vec![State::Not; n],
            emit: vec![State::Not; n],
            fwd_emitted: vec![false; n],
            referenced: vec![false; n],
            names: vec![Name::Unresolved; n],
            type_names: NameMap::with_capacity_and_hasher(names.0, Default::default()),
            ident_names: NameMap::with_capacity_and_hasher(names.1, Default::default()),
            queue: Vec::new(),
            decl_pool: Vec::new(),
            align_cache: vec![0; n],
            ptr_size: btf.ptr_size(),
            depth: 0,
            steps: 0,
            max_steps: (1 << 16) + btf.total_bytes() * MAX_STEPS_PER_BYTE,
            max_output: (1 << 14) + btf.total_bytes() * MAX_OUTPUT_PER_BYTE,
            strip_mods: false,
        };
        // void is always "ordered" and "emitted".
        d.order[0] = State::Done;
        d.emit[0] = State::Done;
        d.mark_referenced();
        d
    }

    /// A new line indented `lvl` tabs.
    fn newline(&mut self, lvl: usize) {
        self.out.push('\n');
        self.out.push_str(pfx(lvl));
    }

    fn t(&self, id: u32) -> Result<Type<'a>> {
        self.btf.get(id)
    }

    fn mark_referenced(&mut self) {
        for id in 1..self.btf.type_count() {
            let Some(t) = self.btf.type_by_id(id) else {
                continue;
            };
            let referenced = &mut self.referenced;
            let mark = |r: u32| {
                if let Some(slot) = referenced.get_mut(r as usize) {
                    *slot = true;
                }
            };
            // A function prototype's return type does not count, as in libbpf.
            if t.kind() == Kind::FuncProto {
                t.param_type_ids().for_each(mark);
            } else {
                t.for_each_ref(mark);
            }
        }
    }

    fn dump_type(&mut self, id: u32) -> Result<()> {
        if id >= self.btf.type_count() {
            return err(format!("type id {id} does not exist"));
        }
        self.queue.clear();
        self.order_type(id, false)?;
        let queue = std::mem::take(&mut self.queue);
        for &qid in &queue {
            self.emit_type(qid, 0)?;
        }
        self.queue = queue;
        Ok(())
    }

    fn enter(&mut self, id: u32) -> Result<()> {
        self.depth += 1;
        self.steps += 1;
        if self.depth > MAX_DEPTH {
            return err(format!("type loop or nesting too deep at type {id}"));
        }
        if self.out.len() > self.max_output || self.steps > self.max_steps {
            return err("C output grows without bound (types shared exponentially)");
        }
        Ok(())
    }

    fn name_dups(map: &mut NameMap<'a>, name: &'a str) -> usize {
        let n = map.entry(name).or_insert(0);
        *n += 1;
        *n
    }

    /// Appends the C name of a type, `___N`-suffixed when another type already took it (libbpf's
    /// btf_dump_resolve_name). The first request decides, so names depend on emission order exactly as in libbpf.
    fn push_name(&mut self, id: u32, ident: bool) {
        let Some(t) = self.btf.type_by_id(id) else {
            return;
        };
        if t.name_off() == 0 {
            return;
        }
        let slot = id as usize;
        if let Name::Unresolved = self.names[slot] {
            let orig = t.name();
            self.names[slot] = if t.kind() == Kind::Fwd || (t.kind() == Kind::Enum && t.vlen() == 0)
            {
                Name::Own(orig)
            } else {
                let map = if ident {
                    &mut self.ident_names
                } else {
                    &mut self.type_names
                };
                match Self::name_dups(map, orig) {
                    1 => Name::Own(orig),
                    n => Name::Renamed(format!("{orig}___{n}").into_boxed_str()),
                }
            };
        }
        match &self.names[slot] {
            Name::Own(s) => self.out.push_str(s),
            Name::Renamed(s) => self.out.push_str(s),
            Name::Unresolved => {}
        }
    }
}

/// At most how many names the two name tables will hold (named structs, unions, enums and forward declarations;
/// typedefs and enumerators): sized once, they are not rehashed ~15 times each as they fill.
fn name_counts(btf: &Btf) -> (usize, usize) {
    let (mut types, mut idents) = (0, 0);
    for t in (1..btf.type_count()).filter_map(|id| btf.type_by_id(id)) {
        match t.kind() {
            Kind::Typedef => idents += 1,
            Kind::Enum | Kind::Enum64 => idents += t.vlen() as usize,
            _ => {}
        }
        if t.name_off() != 0
            && matches!(
                t.kind(),
                Kind::Struct | Kind::Union | Kind::Enum | Kind::Enum64 | Kind::Fwd
            )
        {
            types += 1;
        }
    }
    (types, idents)
}

/// `__builtin_va_list` is a compiler built-in; redefining it breaks compilation.
fn is_blacklisted(t: &Type) -> bool {
    t.name_off() != 0 && t.name() == "__builtin_va_list"
}

#[cfg(test)]
mod tests {
    /// The digits core::fmt would write, at the edges of every width the dumper prints.
    #[test]
    fn integers_print_as_display_does() {
        for v in [0, 1, 9, 10, 99, 4_294_967_295, u64::MAX / 10, u64::MAX] {
            let mut out = String::new();
            super::push_u64(&mut out, v);
            assert_eq!(out, v.to_string());
        }
        for v in [0, -1, -10, i32::MIN as i64, i64::MIN, i64::MAX] {
            let mut out = String::new();
            super::push_i64(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }
}
