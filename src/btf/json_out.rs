//! `format_value`'s JSON written straight into a byte buffer, for the hot loop of a map dump: no `Value` tree, no
//! allocation per element once the buffer has grown. The output is byte for byte what serializing
//! `format_value` gives (tested below); the rare shapes where the tree's semantics matter (repeated member names,
//! DATASEC values) are delegated to `format_value` itself.

use std::io::Write;

use super::types::{Kind, INT_BOOL, INT_CHAR, INT_SIGNED};
use super::value::{enum_signed, read_uint, sign_extend};
use super::{err, Btf, Result, Type, MAX_DEPTH};

impl Btf {
    /// Appends the JSON of `data` as type `type_id` to `out`; on error `out` is left as it was.
    pub fn write_value_json(&self, type_id: u32, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let size = self.resolve_size(type_id)? as usize;
        if data.len() < size {
            return err(format!(
                "value of type {type_id} needs {size} bytes, got {}",
                data.len()
            ));
        }
        let start = out.len();
        // The same bound as format_value: hostile BTF (overlapping members, deep nesting) must not explode.
        let max_nodes = 1024 + size.saturating_mul(16);
        let result = Writer {
            btf: self,
            out,
            nodes: 0,
            max_nodes,
        }
        .value(type_id, data, 0);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}

struct Writer<'a> {
    btf: &'a Btf,
    out: &'a mut Vec<u8>,
    nodes: usize,
    max_nodes: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn hex(&mut self, v: u128) {
        // Writing into a Vec cannot fail.
        let _ = write!(self.out, "\"0x{v:x}\"");
    }

    fn number<T: std::fmt::Display>(&mut self, n: T) {
        let _ = write!(self.out, "{n}");
    }

    fn string(&mut self, s: &str) {
        let _ = serde_json::to_writer(&mut *self.out, s);
    }

    fn value(&mut self, id: u32, data: &[u8], depth: usize) -> Result<()> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > self.max_nodes {
            return err(format!("type {id} is too deeply nested or loops"));
        }
        let Some(t) = self.btf.type_by_id(id) else {
            self.put(b"null");
            return Ok(());
        };
        match t.kind() {
            Kind::Int => self.int(&t, data),
            Kind::Float => self.delegate(id, data),
            Kind::Ptr => {
                match read_uint(data, self.btf.ptr_size() as usize, self.btf.big_endian()) {
                    Some(v) if v <= u128::from(u64::MAX) => self.number(v as u64),
                    Some(v) => self.hex(v),
                    None => self.put(b"null"),
                }
                Ok(())
            }
            Kind::Enum | Kind::Enum64 => {
                self.enumeration(&t, data);
                Ok(())
            }
            Kind::Array => self.array(&t, data, depth),
            Kind::Struct | Kind::Union => self.composite(&t, data, depth),
            Kind::Typedef | Kind::Var | Kind::DeclTag => self.value(t.type_id(), data, depth + 1),
            k if k.is_modifier() => self.value(t.type_id(), data, depth + 1),
            Kind::Datasec => self.delegate(id, data),
            _ => {
                self.put(b"null");
                Ok(())
            }
        }
    }

    /// Shapes that are rare in map values go through the tree formatter, which defines the output.
    fn delegate(&mut self, id: u32, data: &[u8]) -> Result<()> {
        let v = self.btf.format_value(id, data)?;
        let _ = serde_json::to_writer(&mut *self.out, &v);
        Ok(())
    }

    fn int(&mut self, t: &Type, data: &[u8]) -> Result<()> {
        let info = t.int_info();
        let size = t.size() as usize;
        let Some(raw) = read_uint(data, size, self.btf.big_endian()) else {
            return err("value truncated");
        };
        if info.offset != 0 || info.bits != t.size() * 8 {
            self.bitfield(raw, info.offset, info.bits);
        } else if info.encoding & INT_BOOL != 0 {
            self.put(if raw != 0 { b"true" } else { b"false" });
        } else if size == 16 {
            self.hex(raw);
        } else if info.encoding & INT_SIGNED != 0 {
            self.number(sign_extend(raw, info.bits) as i64);
        } else {
            self.number(raw as u64);
        }
        Ok(())
    }

    fn enumeration(&mut self, t: &Type, data: &[u8]) {
        let raw = read_uint(data, t.size() as usize, self.btf.big_endian()).unwrap_or(0) as u64;
        let bits = t.size().saturating_mul(8).min(64);
        let signed = enum_signed(t);
        let norm = |v: u64| -> u64 {
            if bits == 64 {
                v
            } else if signed {
                sign_extend(u128::from(v) & ((1u128 << bits) - 1), bits) as u64
            } else {
                v & ((1u64 << bits) - 1)
            }
        };
        let want = norm(raw);
        match t.enum_values().find(|v| norm(v.value) == want) {
            Some(v) => self.string(v.name),
            None if signed => self.number(want as i64),
            None => self.number(want),
        }
    }

    fn bitfield(&mut self, raw: u128, bit_offset: u32, bits: u32) {
        let shifted = if bit_offset >= 128 {
            0
        } else {
            raw >> bit_offset
        };
        let mask = if bits >= 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        self.hex(shifted & mask);
    }

    fn array(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<()> {
        let a = t.array();
        if let Some(text) = self.char_array_str(a.elem_type, a.nelems, data) {
            self.string(text);
            return Ok(());
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
            self.value(a.elem_type, bytes, depth + 1)?;
        }
        self.put(b"]");
        Ok(())
    }

    /// bpftool's rule, as in `format_value`: a char array printable up to a NUL is a string.
    fn char_array_str<'d>(&self, elem: u32, nelems: u32, data: &'d [u8]) -> Option<&'d str> {
        if nelems == 0 {
            return None;
        }
        let t = self
            .btf
            .type_by_id(self.btf.skip_modifiers(elem, false).ok()?)?;
        if t.kind() != Kind::Int
            || t.size() != 1
            || (t.int_info().encoding & INT_CHAR == 0 && t.name() != "char")
        {
            return None;
        }
        let bytes = data.get(..nelems as usize)?;
        let end = bytes.iter().position(|b| *b == 0)?;
        if bytes[..end].iter().any(|b| *b <= 0x1f || *b >= 0x7f) {
            return None;
        }
        // Printable ASCII only (checked above), so always valid UTF-8.
        std::str::from_utf8(&bytes[..end]).ok()
    }

    fn composite(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<()> {
        // A JSON object keeps one value per name; with repeated names (anonymous members) the tree decides.
        let names_repeat = t
            .members()
            .enumerate()
            .any(|(i, m)| t.members().take(i).any(|p| p.name == m.name));
        if names_repeat {
            return self.delegate(t.id(), data);
        }
        self.put(b"{");
        for (i, m) in t.members().enumerate() {
            let Some(bytes) = data.get((m.bit_offset / 8) as usize..) else {
                return err(format!("member {} is outside the value", m.name));
            };
            if i > 0 {
                self.put(b",");
            }
            self.string(m.name);
            self.put(b":");
            if m.bitfield_size != 0 {
                let nbytes = ((m.bit_offset % 8 + m.bitfield_size) as usize).div_ceil(8);
                let raw = read_uint(bytes, nbytes.min(16), self.btf.big_endian()).unwrap_or(0);
                self.bitfield(raw, m.bit_offset % 8, m.bitfield_size);
            } else {
                self.value(m.type_id, bytes, depth + 1)?;
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

    /// The streamed JSON equals serializing format_value's tree, for many real kernel types and random bytes.
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
                let tree = btf
                    .format_value(id, &data)
                    .map(|v| serde_json::to_string(&v).unwrap());
                let mut out = Vec::new();
                let streamed = btf
                    .write_value_json(id, &data, &mut out)
                    .map(|_| String::from_utf8(out).unwrap());
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
}
