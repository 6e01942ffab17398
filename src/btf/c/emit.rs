//! Emitting type definitions: structs and unions with explicit padding and `packed` where the layout needs it,
//! enums, forward declarations and typedefs.

use super::*;
use crate::btf::resolve::natural_align;

impl<'a> CDumper<'a> {
    pub(super) fn emit_type(&mut self, id: u32, cont_id: u32) -> Result<()> {
        self.enter(id)?;
        let r = self.emit_type_inner(id, cont_id);
        self.depth -= 1;
        r
    }

    pub(super) fn emit_type_inner(&mut self, id: u32, cont_id: u32) -> Result<()> {
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

    pub(super) fn emit_in_progress(&mut self, id: u32, t: &Type, cont_id: u32) -> Result<()> {
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

    pub(super) fn emit_composite(&mut self, id: u32, t: &Type, cont_id: u32) -> Result<()> {
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

    pub(super) fn emit_struct_fwd(&mut self, id: u32, t: &Type) {
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

    pub(super) fn emit_struct_def(&mut self, id: u32, t: &Type, lvl: usize) -> Result<()> {
        self.enter(id)?;
        let is_struct = t.kind() == Kind::Struct;
        let align = self.align(id);
        // libbpf asks this of structs only; a packed union (one whose size is not a multiple of its members'
        // alignment) compiles bigger than the BTF says without the attribute.
        let packed = self.is_packed(t);
        self.emit_struct_fwd(id, t);
        self.out.push_str(" {");
        let mut off: u64 = 0;
        let mut prev_bitfield = false;
        let mut end: u64 = 0;
        for m in t.members() {
            let m_align = if packed { 1 } else { self.align(m.type_id) };
            let m_off = m.bit_offset as u64;
            let in_bitfield = prev_bitfield && m.bitfield_size != 0;
            let gap = Gap {
                cur: off,
                next: m_off,
                next_align: m_align as u64,
                in_bitfield,
                next_bits: m.bitfield_size,
                packed,
            };
            self.emit_bit_padding(gap, lvl + 1)?;
            self.newline(lvl + 1);
            self.emit_type_decl(m.type_id, m.name, lvl + 1)?;
            if m.bitfield_size != 0 {
                self.out.push_str(": ");
                push_u64(&mut self.out, m.bitfield_size.into());
                off = m_off + m.bitfield_size as u64;
                prev_bitfield = true;
            } else {
                let sz = self.btf.resolve_size(m.type_id).unwrap_or(0);
                off = m_off + sz * 8;
                prev_bitfield = false;
            }
            self.out.push(';');
            end = end.max(off);
        }
        // A union without members (the BTF of a transparent union) stays as libbpf writes it.
        if !is_struct && t.vlen() != 0 {
            // What the compiler makes of the members written: the biggest, rounded up to the union's alignment
            // (none when packed).
            let unit = if packed { 8 } else { align as u64 * 8 };
            self.emit_union_size(end.div_ceil(unit) * unit, t.size() as u64 * 8, lvl + 1)?;
        }
        if is_struct {
            let gap = Gap {
                cur: off,
                next: t.size() as u64 * 8,
                next_align: align as u64,
                in_bitfield: false,
                next_bits: 0,
                packed,
            };
            self.emit_bit_padding(gap, lvl + 1)?;
        }
        if t.vlen() != 0 || t.size() != 0 {
            self.newline(lvl);
            self.out.push('}');
        } else {
            self.out.push('}');
        }
        if packed {
            self.out.push_str(" __attribute__((packed))");
        }
        self.depth -= 1;
        Ok(())
    }

    /// A union compiles to `end` bits (its biggest member, rounded up to its alignment). Where the BTF says
    /// bigger, a member was more aligned than the header can tell (a struct packed in the source, whose size
    /// hides it, written packed or not), and unnamed bitfields in an anonymous struct keep the size: they add
    /// no alignment of their own.
    fn emit_union_size(&mut self, end: u64, size: u64, lvl: usize) -> Result<()> {
        if end >= size {
            return Ok(());
        }
        self.newline(lvl);
        self.out.push_str("struct {");
        let gap = Gap {
            cur: 0,
            next: size,
            next_align: 1,
            in_bitfield: false,
            next_bits: 0,
            packed: true,
        };
        self.emit_bit_padding(gap, lvl + 1)?;
        self.newline(lvl);
        self.out.push_str("};");
        Ok(())
    }

    /// Explicit padding so the compiler lays members out where the BTF says (libbpf's btf_dump_emit_bit_padding).
    pub(super) fn emit_bit_padding(&mut self, gap: Gap, lvl: usize) -> Result<()> {
        let Gap { mut cur, next, .. } = gap;
        if cur >= next {
            return Ok(());
        }
        let pads: [(&str, u64); 4] = [
            ("long", self.ptr_size as u64 * 8),
            ("int", 32),
            ("short", 16),
            ("char", 8),
        ];
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
            // libbpf leaves it to the compiler to align the filler after `new_off`; a packed struct aligns
            // nothing but zero-width bitfields (filler starts where the last member ended, and only a member
            // that is not a bitfield moves on to the next byte), so there the mark is written unless the filler
            // lands on the next member anyway.
            let align_bits = gap.next_align * 8;
            let unaligned_landing = (cur + next - new_off).div_ceil(8) * 8;
            // Nor does a bitfield after an ordinary member move to its type's alignment: it starts right there
            // when it fits in the rest of its unit (libbpf assumes it moves, so `long: 0` goes missing).
            let bitfield_landing = match u64::from(gap.next_bits) {
                0 => next,
                bits if cur % align_bits + bits <= align_bits => cur,
                _ => cur.div_ceil(align_bits) * align_bits,
            };
            if gap.in_bitfield
                || (gap.packed
                    && new_off != next
                    && (gap.next_bits != 0 || unaligned_landing != next))
                || (!gap.packed && new_off == next && bitfield_landing != next)
                || (new_off == next && cur.div_ceil(align_bits) * align_bits != new_off)
                || (new_off != next && next - new_off <= new_off - cur)
            {
                let n = if gap.in_bitfield { new_off - cur } else { 0 };
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

    pub(super) fn emit_enum_fwd(&mut self, id: u32) {
        self.out.push_str("enum ");
        self.push_name(id, false);
    }

    pub(super) fn emit_enum_def(&mut self, id: u32, t: &Type<'a>, lvl: usize) {
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
            self.newline(lvl + 1);
            self.out.push_str(v.name);
            if dup > 1 {
                self.out.push_str("___");
                push_u64(&mut self.out, dup as u64);
            }
            self.out.push_str(" = ");
            match enum_number(is64, signed, v.value) {
                n if signed => push_i64(&mut self.out, n as i64),
                n => push_u64(&mut self.out, n as u64),
            }
            self.out.push_str(match (is64, signed) {
                (false, _) => ",",
                (true, false) => "ULL,",
                (true, true) => "LL,",
            });
        }
        self.newline(lvl);
        self.out.push('}');
        if t.size() == 1 {
            self.out.push_str(" __attribute__((mode(byte)))");
        } else if t.size() == 2 {
            // libbpf writes nothing here and the compiler makes the enum 4 bytes, moving every member after it.
            // `packed` takes the smallest type that holds the values (2 bytes once one exceeds a byte); values
            // that all fit a byte need mode(HI), which is signed, so it is kept for those.
            let fits_byte = t
                .enum_values()
                .all(|v| (-128..=255).contains(&enum_number(is64, signed, v.value)));
            self.out.push_str(if fits_byte {
                " __attribute__((mode(HI)))"
            } else {
                " __attribute__((packed))"
            });
        } else if t.size() == 8 && self.ptr_size == 8 {
            // An 8-byte enum whose values all fit 32 bits only gets 8 bytes with mode(word).
            let needs_word = !is64 || t.enum_values().all(|v| v.value >> 32 == 0);
            if needs_word {
                self.out.push_str(" __attribute__((mode(word)))");
            }
        }
    }

    pub(super) fn emit_fwd_def(&mut self, id: u32, t: &Type) {
        self.out
            .push_str(if t.kflag() { "union " } else { "struct " });
        self.push_name(id, false);
    }

    pub(super) fn emit_typedef_def(&mut self, id: u32, t: &Type, lvl: usize) -> Result<()> {
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

    pub(super) fn align(&mut self, id: u32) -> u32 {
        self.btf
            .align_of_memo(id, &mut self.align_cache)
            .unwrap_or(1)
            .max(1)
    }

    pub(super) fn is_packed(&mut self, t: &Type) -> bool {
        natural_align(t, |id| Ok(self.align(id))).is_ok_and(|a| a.is_none())
    }
}

/// An enumerator's value as the number it stands for: 32 or 64 bits, signed as the enum's kflag says.
fn enum_number(is64: bool, signed: bool, raw: u64) -> i128 {
    match (is64, signed) {
        (false, false) => i128::from(raw as u32),
        (false, true) => i128::from(raw as i32),
        (true, false) => i128::from(raw),
        (true, true) => i128::from(raw as i64),
    }
}

/// A hole in a struct's layout, from the end of one member (bits) to the next member's offset or the struct's end.
pub(super) struct Gap {
    pub(super) cur: u64,
    pub(super) next: u64,
    /// Alignment in bytes of the member after the hole.
    pub(super) next_align: u64,
    /// The hole is between two bitfields.
    pub(super) in_bitfield: bool,
    /// Width of the member after the hole when it is a bitfield, else 0.
    pub(super) next_bits: u32,
    /// The struct is `__attribute__((packed))`: the compiler aligns nothing in it.
    pub(super) packed: bool,
}
