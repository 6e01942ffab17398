//! BTF as a C header, the way libbpf's btf_dump (and so `bpftool btf dump ... format c`) writes it: types in id
//! order, each preceded by what it needs (forward declarations for pointers, full definitions for embedded types),
//! anonymous types inlined, duplicate names suffixed `___N`, padding and `packed` made explicit so the compiler
//! reproduces the original layout. Following libbpf step by step keeps the output byte-identical to bpftool's,
//! which the tests check on the running kernel's BTF.

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

type NameMap = HashMap<String, usize, BuildHasherDefault<FxHasher>>;

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
    type_names: NameMap,
    ident_names: NameMap,
    queue: Vec<u32>,
    /// Declarator stacks kept for reuse: one allocation per nesting level instead of one per declaration.
    decl_pool: Vec<Vec<u32>>,
    align_cache: Vec<u32>,
    ptr_size: u32,
    depth: usize,
    steps: usize,
    max_steps: usize,
    max_output: usize,
}

/// The types `roots` (all types when empty) as C declarations, without the vmlinux.h guards.
pub fn dump_c(btf: &Btf, roots: &[u32]) -> Result<String> {
    let mut d = CDumper::new(btf);
    let all: Vec<u32>;
    let roots = if roots.is_empty() {
        all = (1..btf.type_count()).collect();
        &all[..]
    } else {
        roots
    };
    for &id in roots {
        d.dump_type(id)?;
    }
    Ok(d.out)
}

/// `dump_c` wrapped as bpftool wraps it: include guards and `preserve_access_index` for CO-RE, so the result can
/// be used as vmlinux.h.
pub fn dump_c_header(btf: &Btf, roots: &[u32]) -> Result<String> {
    let body = dump_c(btf, roots)?;
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n");
    out.push_str("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
    out.push_str("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n");
    out.push_str("#endif\n\n");
    out.push_str(&body);
    out.push_str("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n");
    out.push_str("#endif /* __VMLINUX_H__ */\n");
    Ok(out)
}

fn pfx(lvl: usize) -> &'static str {
    const TABS: &str = "\t\t\t\t\t\t\t\t\t\t\t\t\t";
    &TABS[..lvl.min(TABS.len())]
}

impl<'a> CDumper<'a> {
    fn new(btf: &'a Btf) -> Self {
        let n = btf.type_count() as usize;
        let mut d = CDumper {
            btf,
            out: String::with_capacity(n * 40),
            order: vec![State::Not; n],
            emit: vec![State::Not; n],
            fwd_emitted: vec![false; n],
            referenced: vec![false; n],
            names: vec![Name::Unresolved; n],
            type_names: NameMap::default(),
            ident_names: NameMap::default(),
            queue: Vec::new(),
            decl_pool: Vec::new(),
            align_cache: vec![0; n],
            ptr_size: btf.ptr_size(),
            depth: 0,
            steps: 0,
            max_steps: (1 << 16) + btf.total_bytes() * MAX_STEPS_PER_BYTE,
            max_output: (1 << 14) + btf.total_bytes() * MAX_OUTPUT_PER_BYTE,
        };
        // void is always "ordered" and "emitted".
        d.order[0] = State::Done;
        d.emit[0] = State::Done;
        d.mark_referenced();
        d
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
            let mut mark = |r: u32| {
                if let Some(slot) = referenced.get_mut(r as usize) {
                    *slot = true;
                }
            };
            // A function prototype's return type does not count, as in libbpf.
            if t.kind() == Kind::FuncProto {
                t.params().for_each(|p| mark(p.type_id));
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

    /// Topological ordering; Ok(true) when the type is a "strong" (definition-requiring) dependency.
    fn order_type(&mut self, id: u32, through_ptr: bool) -> Result<bool> {
        self.enter(id)?;
        let r = self.order_type_inner(id, through_ptr);
        self.depth -= 1;
        r
    }

    fn order_type_inner(&mut self, id: u32, through_ptr: bool) -> Result<bool> {
        let idx = id as usize;
        if self.order[idx] == State::Done {
            return Ok(true);
        }
        let t = self.t(id)?;
        if self.order[idx] == State::InProgress {
            // A loop is fine when a forward declaration can break it.
            if t.kind().is_composite() && through_ptr && t.name_off() != 0 {
                return Ok(false);
            }
            return err(format!("unsatisfiable type cycle at type {id}"));
        }
        match t.kind() {
            Kind::Int | Kind::Float => {
                self.order[idx] = State::Done;
                Ok(false)
            }
            Kind::Ptr => {
                let r = self.order_type(t.type_id(), true);
                self.order[idx] = State::Done;
                r
            }
            Kind::Array => self.order_type(t.array().elem_type, false),
            Kind::Struct | Kind::Union => {
                // Part of a strong link only when embedded (no pointer on the path) or anonymous (inlined).
                if through_ptr && t.name_off() != 0 {
                    return Ok(false);
                }
                self.order[idx] = State::InProgress;
                for m in t.members() {
                    self.order_type(m.type_id, false)?;
                }
                if t.name_off() != 0 {
                    self.queue.push(id);
                }
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Enum | Kind::Enum64 | Kind::Fwd => {
                if t.name_off() != 0 || !self.referenced[idx] {
                    self.queue.push(id);
                }
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Typedef => {
                let strong = self.order_type(t.type_id(), through_ptr)?;
                if through_ptr && !strong {
                    return Ok(false);
                }
                self.queue.push(id);
                self.order[idx] = State::Done;
                Ok(true)
            }
            Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.order_type(t.type_id(), through_ptr)
            }
            Kind::FuncProto => {
                let mut strong = self.order_type(t.type_id(), through_ptr)?;
                for p in t.params() {
                    strong |= self.order_type(p.type_id, through_ptr)?;
                }
                Ok(strong)
            }
            Kind::Func | Kind::Var | Kind::Datasec | Kind::DeclTag => {
                self.order[idx] = State::Done;
                Ok(false)
            }
            Kind::Unknown => err(format!("type {id} has an unknown kind")),
        }
    }

    fn emit_type(&mut self, id: u32, cont_id: u32) -> Result<()> {
        self.enter(id)?;
        let r = self.emit_type_inner(id, cont_id);
        self.depth -= 1;
        r
    }

    fn emit_type_inner(&mut self, id: u32, cont_id: u32) -> Result<()> {
        let idx = id as usize;
        if self.emit[idx] == State::Done {
            return Ok(());
        }
        let t = self.t(id)?;
        let top_level = cont_id == 0;
        if self.emit[idx] == State::InProgress {
            return self.emit_in_progress(id, &t, cont_id);
        }
        match t.kind() {
            Kind::Int => self.emit[idx] = State::Done,
            Kind::Enum | Kind::Enum64 => {
                if top_level {
                    self.emit_enum_def(id, &t, 0);
                    self.out.push_str(";\n\n");
                }
                self.emit[idx] = State::Done;
            }
            Kind::Ptr | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.emit_type(t.type_id(), cont_id)?
            }
            Kind::Array => self.emit_type(t.array().elem_type, cont_id)?,
            Kind::Fwd => {
                self.emit_fwd_def(id, &t);
                self.out.push_str(";\n\n");
                self.emit[idx] = State::Done;
            }
            Kind::Typedef => {
                self.emit[idx] = State::InProgress;
                self.emit_type(t.type_id(), id)?;
                // Someone may already have needed this typedef as a forward declaration (through a pointer).
                if !self.fwd_emitted[idx] && !is_blacklisted(&t) {
                    self.emit_typedef_def(id, &t, 0)?;
                    self.out.push_str(";\n\n");
                }
                self.emit[idx] = State::Done;
            }
            Kind::Struct | Kind::Union => self.emit_composite(id, &t, cont_id)?,
            Kind::FuncProto => {
                self.emit_type(t.type_id(), cont_id)?;
                for p in t.params() {
                    self.emit_type(p.type_id, cont_id)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn emit_in_progress(&mut self, id: u32, t: &Type, cont_id: u32) -> Result<()> {
        let idx = id as usize;
        if self.fwd_emitted[idx] {
            return Ok(());
        }
        match t.kind() {
            Kind::Struct | Kind::Union => {
                // Referring to the struct we are inside of needs no forward declaration.
                if id == cont_id || t.name_off() == 0 {
                    return Ok(());
                }
                self.emit_struct_fwd(id, t);
                self.out.push_str(";\n\n");
                self.fwd_emitted[idx] = true;
            }
            Kind::Typedef => {
                if !is_blacklisted(t) {
                    self.emit_typedef_def(id, t, 0)?;
                    self.out.push_str(";\n\n");
                }
                self.fwd_emitted[idx] = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn emit_composite(&mut self, id: u32, t: &Type, cont_id: u32) -> Result<()> {
        let idx = id as usize;
        let top_level = cont_id == 0;
        self.emit[idx] = State::InProgress;
        // A full definition (top level, or anonymous and so inline) needs its members' declarations first.
        if top_level || t.name_off() == 0 {
            let new_cont = if t.name_off() == 0 { cont_id } else { id };
            for m in t.members() {
                self.emit_type(m.type_id, new_cont)?;
            }
        } else if !self.fwd_emitted[idx] && id != cont_id {
            self.emit_struct_fwd(id, t);
            self.out.push_str(";\n\n");
            self.fwd_emitted[idx] = true;
        }
        if top_level {
            self.emit_struct_def(id, t, 0)?;
            self.out.push_str(";\n\n");
            self.emit[idx] = State::Done;
        } else {
            self.emit[idx] = State::Not;
        }
        Ok(())
    }

    fn name_dups(map: &mut NameMap, name: &str) -> usize {
        if let Some(n) = map.get_mut(name) {
            *n += 1;
            return *n;
        }
        map.insert(name.to_string(), 1);
        1
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

    fn align(&mut self, id: u32) -> u32 {
        self.btf
            .align_of_memo(id, &mut self.align_cache)
            .unwrap_or(1)
            .max(1)
    }

    fn is_struct_packed(&mut self, t: &Type) -> bool {
        let mut max_align = 1;
        for (i, m) in t.members().enumerate() {
            let align = self.align(m.type_id);
            if m.bitfield_size == 0 && t.member_raw_offset(i) % (8 * align) != 0 {
                return true;
            }
            max_align = max_align.max(align);
        }
        t.size() % max_align != 0
    }

    fn emit_struct_fwd(&mut self, id: u32, t: &Type) {
        self.out.push_str(if t.kind() == Kind::Struct {
            "struct"
        } else {
            "union"
        });
        if t.name_off() != 0 {
            self.out.push(' ');
        }
        self.push_name(id, false);
    }

    fn emit_struct_def(&mut self, id: u32, t: &Type, lvl: usize) -> Result<()> {
        self.enter(id)?;
        let is_struct = t.kind() == Kind::Struct;
        let align = self.align(id);
        let packed = is_struct && self.is_struct_packed(t);
        self.emit_struct_fwd(id, t);
        self.out.push_str(" {");
        let mut off: u64 = 0;
        let mut prev_bitfield = false;
        for m in t.members() {
            let m_align = if packed { 1 } else { self.align(m.type_id) };
            let m_off = m.bit_offset as u64;
            let in_bitfield = prev_bitfield && m.bitfield_size != 0;
            self.emit_bit_padding(off, m_off, m_align as u64, in_bitfield, lvl + 1)?;
            let _ = write!(self.out, "\n{}", pfx(lvl + 1));
            self.emit_type_decl(m.type_id, m.name, lvl + 1)?;
            if m.bitfield_size != 0 {
                let _ = write!(self.out, ": {}", m.bitfield_size);
                off = m_off + m.bitfield_size as u64;
                prev_bitfield = true;
            } else {
                let sz = self.btf.resolve_size(m.type_id).unwrap_or(0);
                off = m_off + sz * 8;
                prev_bitfield = false;
            }
            self.out.push(';');
        }
        if is_struct {
            self.emit_bit_padding(off, t.size() as u64 * 8, align as u64, false, lvl + 1)?;
        }
        if t.vlen() != 0 || t.size() != 0 {
            let _ = write!(self.out, "\n{}}}", pfx(lvl));
        } else {
            self.out.push('}');
        }
        if packed {
            self.out.push_str(" __attribute__((packed))");
        }
        self.depth -= 1;
        Ok(())
    }

    /// Explicit padding so the compiler lays members out where the BTF says (libbpf's btf_dump_emit_bit_padding).
    fn emit_bit_padding(
        &mut self,
        cur: u64,
        next: u64,
        next_align: u64,
        in_bitfield: bool,
        lvl: usize,
    ) -> Result<()> {
        if cur >= next {
            return Ok(());
        }
        let pads: [(&str, u64); 4] = [
            ("long", self.ptr_size as u64 * 8),
            ("int", 32),
            ("short", 16),
            ("char", 8),
        ];
        let mut cur = cur;
        let (mut pad_type, mut pad_bits, mut new_off) = ("char", 8, 0);
        for (name, bits) in pads {
            pad_type = name;
            pad_bits = bits;
            new_off = cur.div_ceil(bits) * bits;
            if new_off <= next {
                break;
            }
        }
        if new_off > cur && new_off <= next {
            let align_bits = next_align * 8;
            if in_bitfield
                || (new_off == next && cur.div_ceil(align_bits) * align_bits != new_off)
                || (new_off != next && next - new_off <= new_off - cur)
            {
                let n = if in_bitfield { new_off - cur } else { 0 };
                let _ = write!(self.out, "\n{}{pad_type}: {n};", pfx(lvl));
            }
            cur = new_off;
        }
        // A hostile struct size (4 GB of padding) would print a line per 64 bits: refuse before writing them.
        let lines = (next - cur) / pad_bits.max(1);
        if (self.out.len() as u64).saturating_add(lines.saturating_mul(8)) > self.max_output as u64
        {
            return err("C output grows without bound (struct padding)");
        }
        while cur < next {
            let bits = (next - cur).min(pad_bits);
            if bits == pad_bits {
                let _ = write!(self.out, "\n{}{pad_type}: {pad_bits};", pfx(lvl));
                cur += bits;
                continue;
            }
            // The remainder: the smallest type that holds it.
            for (name, pbits) in pads.iter().rev() {
                if *pbits < bits {
                    continue;
                }
                pad_type = name;
                pad_bits = *pbits;
                let _ = write!(self.out, "\n{}{name}: {bits};", pfx(lvl));
                cur += bits;
                break;
            }
        }
        Ok(())
    }

    fn emit_enum_fwd(&mut self, id: u32) {
        self.out.push_str("enum ");
        self.push_name(id, false);
    }

    fn emit_enum_def(&mut self, id: u32, t: &Type, lvl: usize) {
        self.out.push_str("enum");
        if t.name_off() != 0 {
            self.out.push(' ');
        }
        self.push_name(id, false);
        if t.vlen() == 0 {
            return;
        }
        self.out.push_str(" {");
        let (is64, signed) = (t.kind() == Kind::Enum64, t.kflag());
        for v in t.enum_values() {
            // Enumerators share their namespace with typedef names.
            let dup = Self::name_dups(&mut self.ident_names, v.name);
            let _ = write!(self.out, "\n{}{}", pfx(lvl + 1), v.name);
            if dup > 1 {
                let _ = write!(self.out, "___{dup}");
            }
            let _ = match (is64, signed) {
                (false, false) => write!(self.out, " = {},", v.value as u32),
                (false, true) => write!(self.out, " = {},", v.value as i64 as i32),
                (true, false) => write!(self.out, " = {}ULL,", v.value),
                (true, true) => write!(self.out, " = {}LL,", v.value as i64),
            };
        }
        let _ = write!(self.out, "\n{}}}", pfx(lvl));
        if t.size() == 1 {
            self.out.push_str(" __attribute__((packed))");
        } else if t.size() == 8 && self.ptr_size == 8 {
            // An 8-byte enum whose values all fit 32 bits only gets 8 bytes with mode(word).
            let needs_word = !is64 || t.enum_values().all(|v| v.value >> 32 == 0);
            if needs_word {
                self.out.push_str(" __attribute__((mode(word)))");
            }
        }
    }

    fn emit_fwd_def(&mut self, id: u32, t: &Type) {
        self.out
            .push_str(if t.kflag() { "union " } else { "struct " });
        self.push_name(id, false);
    }

    fn emit_typedef_def(&mut self, id: u32, t: &Type, lvl: usize) -> Result<()> {
        // Resolve the name into the output, then move it out again to pass it down as the declarator name.
        let mark = self.out.len();
        self.push_name(id, true);
        let name = self.out.split_off(mark);
        // Old GCC emitted __gnuc_va_list as a typedef of void; that does not compile.
        if t.type_id() == 0 && name == "__gnuc_va_list" {
            self.out
                .push_str("typedef __builtin_va_list __gnuc_va_list");
            return Ok(());
        }
        self.out.push_str("typedef ");
        self.emit_type_decl(t.type_id(), &name, lvl)
    }

    /// A declaration of `fname` with type `id`: collects the declarator chain, then prints it inside out.
    fn emit_type_decl(&mut self, mut id: u32, fname: &str, lvl: usize) -> Result<()> {
        let mut decls = self.decl_pool.pop().unwrap_or_default();
        decls.clear();
        loop {
            if decls.len() > MAX_DEPTH {
                return err(format!("declarator chain loops at type {id}"));
            }
            decls.push(id);
            let Some(t) = self.btf.type_by_id(id) else {
                break;
            };
            match t.kind() {
                Kind::Ptr
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::FuncProto
                | Kind::TypeTag => id = t.type_id(),
                Kind::Array => id = t.array().elem_type,
                _ => break,
            }
        }
        self.enter(id)?;
        let r = self.emit_type_chain(&mut decls, fname, lvl);
        self.depth -= 1;
        self.decl_pool.push(decls);
        r
    }

    fn top_kind(&self, decls: &[u32]) -> Option<Kind> {
        decls
            .last()
            .and_then(|id| self.btf.type_by_id(*id))
            .map(|t| t.kind())
    }

    fn emit_mods(&mut self, decls: &mut Vec<u32>) {
        loop {
            let word = match self.top_kind(decls) {
                Some(Kind::Volatile) => "volatile ",
                Some(Kind::Const) => "const ",
                Some(Kind::Restrict) => "restrict ",
                _ => return,
            };
            self.out.push_str(word);
            decls.pop();
        }
    }

    fn drop_mods(&self, decls: &mut Vec<u32>) {
        while self.top_kind(decls).is_some_and(Kind::is_modifier) {
            decls.pop();
        }
    }

    fn emit_name(&mut self, name: &str, last_was_ptr: bool) {
        if !name.is_empty() && !last_was_ptr {
            self.out.push(' ');
        }
        self.out.push_str(name);
    }

    fn emit_type_chain(&mut self, decls: &mut Vec<u32>, fname: &str, lvl: usize) -> Result<()> {
        // Whether to separate a `*` from what precedes it: `int ***`, not `int * * *`.
        let mut last_was_ptr = true;
        while let Some(id) = decls.pop() {
            let Some(t) = self.btf.type_by_id(id) else {
                self.emit_mods(decls);
                self.out.push_str("void");
                last_was_ptr = false;
                continue;
            };
            let kind = t.kind();
            match kind {
                Kind::Int | Kind::Float => {
                    self.emit_mods(decls);
                    self.out.push_str(t.name());
                }
                Kind::Struct | Kind::Union => {
                    self.emit_mods(decls);
                    if t.name_off() == 0 {
                        self.emit_struct_def(id, &t, lvl)?;
                    } else {
                        self.emit_struct_fwd(id, &t);
                    }
                }
                Kind::Enum | Kind::Enum64 => {
                    self.emit_mods(decls);
                    if t.name_off() == 0 {
                        self.emit_enum_def(id, &t, lvl);
                    } else {
                        self.emit_enum_fwd(id);
                    }
                }
                Kind::Fwd => {
                    self.emit_mods(decls);
                    self.emit_fwd_def(id, &t);
                }
                Kind::Typedef => {
                    self.emit_mods(decls);
                    self.push_name(id, true);
                }
                Kind::Ptr => self.out.push_str(if last_was_ptr { "*" } else { " *" }),
                Kind::Volatile => self.out.push_str(" volatile"),
                Kind::Const => self.out.push_str(" const"),
                Kind::Restrict => self.out.push_str(" restrict"),
                Kind::TypeTag => {
                    self.emit_mods(decls);
                    let _ = write!(self.out, " __attribute__((btf_type_tag(\"{}\")))", t.name());
                }
                Kind::Array => return self.emit_array_chain(&t, decls, fname, lvl, last_was_ptr),
                Kind::FuncProto => {
                    return self.emit_proto_chain(&t, decls, fname, lvl, last_was_ptr)
                }
                _ => return Ok(()),
            }
            last_was_ptr = kind == Kind::Ptr;
        }
        self.emit_name(fname, last_was_ptr);
        Ok(())
    }

    fn emit_array_chain(
        &mut self,
        t: &Type,
        decls: &mut Vec<u32>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) -> Result<()> {
        let nelems = t.array().nelems;
        // GCC adds const/volatile to arrays of const elements; Clang does not, and they mean nothing: drop them.
        self.drop_mods(decls);
        if decls.is_empty() {
            self.emit_name(fname, last_was_ptr);
            let _ = write!(self.out, "[{nelems}]");
            return Ok(());
        }
        let multidim = self.top_kind(decls) == Some(Kind::Array);
        if !fname.is_empty() && !last_was_ptr {
            self.out.push(' ');
        }
        if !multidim {
            self.out.push('(');
        }
        self.emit_type_chain(decls, fname, lvl)?;
        if !multidim {
            self.out.push(')');
        }
        let _ = write!(self.out, "[{nelems}]");
        Ok(())
    }

    fn emit_proto_chain(
        &mut self,
        t: &Type,
        decls: &mut Vec<u32>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) -> Result<()> {
        // GCC marks noreturn function pointers volatile; drop such qualifiers as libbpf does.
        self.drop_mods(decls);
        if decls.is_empty() {
            self.emit_name(fname, last_was_ptr);
        } else {
            self.out.push_str(" (");
            self.emit_type_chain(decls, fname, lvl)?;
            self.out.push(')');
        }
        self.out.push('(');
        let params: Vec<_> = t.params().collect();
        // Clang encodes `f(void)` as one void parameter.
        if params.is_empty() || (params.len() == 1 && params[0].type_id == 0) {
            self.out.push_str("void)");
            return Ok(());
        }
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            // A trailing void parameter means varargs.
            if i == params.len() - 1 && p.type_id == 0 {
                self.out.push_str("...");
                break;
            }
            self.emit_type_decl(p.type_id, p.name, lvl)?;
        }
        self.out.push(')');
        Ok(())
    }
}

/// `__builtin_va_list` is a compiler built-in; redefining it breaks compilation.
fn is_blacklisted(t: &Type) -> bool {
    t.name_off() != 0 && t.name() == "__builtin_va_list"
}
