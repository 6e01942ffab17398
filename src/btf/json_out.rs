//! `formatted` JSON written straight into a byte buffer, for the hot loop of a map dump: no `Value` tree, no
//! allocation per element once the buffer has grown. It prints what bpftool's btf_dumper prints, in two flavors:
//! JSON (`-j`), and the plain-text form of `map dump`/`lookup` without `-j`, where bitfields and 128-bit integers
//! are bare hex (`0x5`), pointers `0x..`/`(nil)` and unprintable chars `0x1` (bpftool's `is_plain_text`). Members
//! that repeat a name (anonymous structs and unions) are all printed, as bpftool does; apart from that the JSON
//! parses to exactly `format_value`'s tree (tested below). The shape decisions live in value.rs.

use std::io::Write;

use super::types::Kind;
use super::value::{
    bitfield_bits, bitfield_span, c_string, enum_key, float_value, int_shape, read_uint,
    section_var_bytes, sign_extend, IntShape, NODES_PER_BYTE,
};
use super::{err, Btf, Result, Type, MAX_DEPTH};
use crate::fastfmt::{push_bare_hex, push_hex, push_i64, push_u64};

/// Which of bpftool's two spellings of a formatted value to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `-j`: JSON.
    Json,
    /// Text output: JSON-like, with raw hex, pointers and unprintable chars as bare words.
    Plain,
}

impl Btf {
    /// Appends the JSON of `data` as type `type_id` to `out`; on error `out` is left as it was.
    pub fn write_value_json(&self, type_id: u32, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.write_value(type_id, data, Flavor::Json, out)
    }

    /// Appends `data` as type `type_id` in `flavor` to `out`; on error `out` is left as it was.
    pub fn write_value(
        &self,
        type_id: u32,
        data: &[u8],
        flavor: Flavor,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let size = self.resolve_size(type_id)? as usize;
        if data.len() < size {
            return err(format!(
                "value of type {type_id} needs {size} bytes, got {}",
                data.len()
            ));
        }
        let start = out.len();
        // The same bound as format_value: hostile BTF (overlapping members, deep nesting) must not explode.
        let max_nodes = 1024 + size.saturating_mul(NODES_PER_BYTE);
        let result = Writer {
            btf: self,
            out,
            flavor,
            nodes: 0,
            max_nodes,
        }
        .value(type_id, data, 0, 0);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}

struct Writer<'a> {
    btf: &'a Btf,
    out: &'a mut Vec<u8>,
    flavor: Flavor,
    nodes: usize,
    max_nodes: usize,
}

/// Raw bits: `"0x5"` in JSON, `0x5` in plain text.
pub(super) fn push_raw_hex(out: &mut Vec<u8>, v: u128, flavor: Flavor) {
    match flavor {
        Flavor::Json => push_hex(out, v),
        Flavor::Plain => push_bare_hex(out, v),
    }
}

/// A pointer: a number in JSON (bpftool's `%lu`), `0x..` or `(nil)` in plain text (its `%p`).
pub(super) fn push_pointer(out: &mut Vec<u8>, v: Option<u128>, flavor: Flavor) {
    match (v, flavor) {
        (None, _) => out.extend_from_slice(b"null"),
        (Some(0), Flavor::Plain) => out.extend_from_slice(b"(nil)"),
        (Some(v), Flavor::Plain) => push_raw_hex(out, v, flavor),
        (Some(v), Flavor::Json) if v <= u128::from(u64::MAX) => push_u64(out, v as u64),
        (Some(v), Flavor::Json) => push_hex(out, v),
    }
}

/// A CHAR-encoded byte: `"a"` when printable; otherwise `"\u0001"` in JSON and `0x1` in plain text (bpftool's
/// spellings; quotes and backslashes are escaped, which bpftool forgets).
pub(super) fn push_char(out: &mut Vec<u8>, b: u8, flavor: Flavor) {
    match b {
        b'"' | b'\\' => out.extend_from_slice(&[b'"', b'\\', b, b'"']),
        0x20..=0x7e => out.extend_from_slice(&[b'"', b, b'"']),
        _ if flavor == Flavor::Plain => push_raw_hex(out, u128::from(b), flavor),
        _ => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\"\\u00");
            out.extend_from_slice(&[DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize], b'"']);
        }
    }
}

/// An integer of `shape` read as `raw`.
pub(super) fn push_int(out: &mut Vec<u8>, shape: IntShape, raw: u128, flavor: Flavor) {
    match shape {
        IntShape::Hex { shift, bits, .. } => {
            push_raw_hex(out, bitfield_bits(raw, shift, bits), flavor)
        }
        IntShape::Bool => out.extend_from_slice(if raw != 0 { b"true" } else { b"false" }),
        IntShape::Char => push_char(out, raw as u8, flavor),
        IntShape::Signed { bits, .. } => push_i64(out, sign_extend(raw, bits) as i64),
        IntShape::Unsigned { .. } => push_u64(out, raw as u64),
    }
}

/// A float as serde_json spells it; inf and NaN as their raw bits in hex (JSON has no spelling for them).
pub(super) fn push_float(out: &mut Vec<u8>, size: u32, raw: u128, flavor: Flavor) {
    match float_value(size, raw) {
        // Writing into a Vec cannot fail.
        Some(n) => {
            let _ = serde_json::to_writer(&mut *out, &n);
        }
        None => push_raw_hex(out, raw, flavor),
    }
}

/// A string already known to be printable ASCII (a char array or a name): only `"` and `\` need escaping.
pub(super) fn push_ascii_string(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    for chunk in text.split_inclusive(|b| *b == b'"' || *b == b'\\') {
        match chunk.split_last() {
            Some((last, head)) if *last == b'"' || *last == b'\\' => {
                out.extend_from_slice(head);
                out.extend_from_slice(&[b'\\', *last]);
            }
            _ => out.extend_from_slice(chunk),
        }
    }
    out.push(b'"');
}

/// An enum value: the first enumerator whose value matches, else the number.
pub(super) fn push_enum(out: &mut Vec<u8>, t: &Type, raw: u64) {
    let (want, signed) = enum_key(t, raw);
    match t.enum_values().find(|v| enum_key(t, v.value).0 == want) {
        Some(v) => {
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, v.name);
        }
        None if signed => push_i64(out, want as i64),
        None => push_u64(out, want),
    }
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn name(&mut self, name: &str) {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *self.out, name);
        self.out.push(b':');
    }

    fn value(&mut self, id: u32, data: &[u8], depth: usize, shift: u32) -> Result<()> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > self.max_nodes {
            return err(format!("type {id} is too deeply nested or loops"));
        }
        let Some(t) = self.btf.type_by_id(id) else {
            self.put(b"null");
            return Ok(());
        };
        let big_endian = self.btf.big_endian();
        match t.kind() {
            Kind::Int => {
                let shape = int_shape(&t, shift);
                let Some(raw) = read_uint(data, shape.size(), big_endian) else {
                    return err("value truncated");
                };
                push_int(self.out, shape, raw, self.flavor);
            }
            Kind::Float => {
                let raw = read_uint(data, t.size() as usize, big_endian).unwrap_or(0);
                push_float(self.out, t.size(), raw, self.flavor);
            }
            Kind::Ptr => {
                let v = read_uint(data, self.btf.ptr_size() as usize, big_endian);
                push_pointer(self.out, v, self.flavor);
            }
            Kind::Enum | Kind::Enum64 => {
                let raw = read_uint(data, t.size() as usize, big_endian).unwrap_or(0) as u64;
                push_enum(self.out, &t, raw);
            }
            Kind::Array => return self.array(&t, data, depth),
            Kind::Struct | Kind::Union => return self.composite(&t, data, depth),
            Kind::Typedef | Kind::DeclTag => {
                return self.value(t.type_id(), data, depth + 1, shift)
            }
            k if k.is_modifier() => return self.value(t.type_id(), data, depth + 1, shift),
            Kind::Var => {
                self.put(b"{");
                self.name(t.name());
                self.value(t.type_id(), data, depth + 1, shift)?;
                self.put(b"}");
            }
            Kind::Datasec => return self.section(&t, data, depth),
            _ => self.put(b"null"),
        }
        Ok(())
    }

    fn section(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<()> {
        self.put(b"{");
        self.name(t.name());
        self.put(b"[");
        for (i, v) in t.datasec_vars().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            self.value(v.type_id, section_var_bytes(data, &v)?, depth + 1, 0)?;
        }
        self.put(b"]}");
        Ok(())
    }

    fn array(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<()> {
        let a = t.array();
        if self.btf.is_char_elem(a.elem_type) {
            if let Some(text) = c_string(data, a.nelems as usize) {
                push_ascii_string(self.out, text);
                return Ok(());
            }
        }
        let elem_size = self.btf.resolve_size(a.elem_type)? as usize;
        self.put(b"[");
        for i in 0..a.nelems as usize {
            let Some(bytes) = data.get(i.saturating_mul(elem_size)..) else {
                return err("array runs past the value");
            };
            if i > 0 {
                self.put(b",");
            }
            self.value(a.elem_type, bytes, depth + 1, 0)?;
        }
        self.put(b"]");
        Ok(())
    }

    fn composite(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<()> {
        self.put(b"{");
        for (i, m) in t.members().enumerate() {
            let Some(bytes) = data.get((m.bit_offset / 8) as usize..) else {
                return err(format!("member {} is outside the value", m.name));
            };
            if i > 0 {
                self.put(b",");
            }
            self.name(m.name);
            if m.bitfield_size != 0 {
                let (size, shift) = bitfield_span(m.bit_offset, m.bitfield_size);
                let raw = read_uint(bytes, size, self.btf.big_endian()).unwrap_or(0);
                push_raw_hex(
                    self.out,
                    bitfield_bits(raw, shift, m.bitfield_size),
                    self.flavor,
                );
            } else {
                self.value(m.type_id, bytes, depth + 1, m.bit_offset % 8)?;
            }
        }
        self.put(b"}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic bytes that hit strings, NULs, high bits and negative numbers.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 5 == 3 {
                    b'a' + (x % 26) as u8
                } else if i % 11 == 7 {
                    0
                } else {
                    x as u8
                }
            })
            .collect()
    }

    /// The streamed JSON parses to format_value's tree, for many real kernel types and random bytes (parsed, so
    /// repeated member names resolve alike: the last one wins in both).
    #[test]
    fn streamed_json_equals_the_tree_formatter_on_kernel_types() {
        let Ok(raw) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            return; // no kernel BTF on this machine: nothing to compare against
        };
        let btf = Btf::parse(&raw).unwrap();
        let mut checked = 0;
        for id in btf.own_ids().step_by(97) {
            let Ok(size) = btf.resolve_size(id) else {
                continue;
            };
            if size == 0 || size > 4096 {
                continue;
            }
            for seed in 0..3 {
                let data = bytes(u64::from(id) * 31 + seed, size as usize);
                let tree = btf.format_value(id, &data);
                let mut out = Vec::new();
                let streamed = btf.write_value_json(id, &data, &mut out).map(|_| {
                    serde_json::from_slice::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("type {id}: invalid JSON ({e})"))
                });
                match (tree, streamed) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "type {id} seed {seed}"),
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("type {id}: tree {a:?} vs streamed {b:?}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} values compared");
    }

    #[test]
    fn plain_text_spells_raw_bits_pointers_and_chars_as_bare_words() {
        let mut out = Vec::new();
        push_raw_hex(&mut out, 0x2a, Flavor::Plain);
        out.push(b' ');
        push_raw_hex(&mut out, 0x2a, Flavor::Json);
        out.push(b' ');
        push_pointer(&mut out, Some(0), Flavor::Plain);
        out.push(b' ');
        push_pointer(&mut out, Some(16), Flavor::Plain);
        out.push(b' ');
        push_pointer(&mut out, Some(16), Flavor::Json);
        out.push(b' ');
        for b in [b'a', 0x01, 0xc8, b'"'] {
            push_char(&mut out, b, Flavor::Json);
            push_char(&mut out, b, Flavor::Plain);
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"0x2a "0x2a" (nil) 0x10 16 "a""a""\u0001"0x1"\u00c8"0xc8"\"""\"""#
        );
    }
}
