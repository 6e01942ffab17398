//! Turning bytes into JSON through a BTF type, the way bpftool's "formatted" map output does: structs become
//! objects, integers numbers, char arrays strings, enums names, bitfields and 128-bit integers hex strings, global
//! data sections `{".data": [{"var": value}, ...]}`. Pointers are numbers, as bpftool prints them (its JSON is the
//! compatibility contract). Where bpftool 7.x is wrong this is right, and the map contract test says why: floats
//! are numbers (bpftool prints `(unsupported-kind`, which is not JSON), a one-byte enum value of 255 is its name
//! (bpftool compares it as -1), an unnamed unsigned ENUM64 value past 2^63 is positive.
//!
//! The shape decisions (integer forms, enum matching, strings, sections) are made by the helpers here and shared
//! by the streaming writer (json_out.rs) and the planned writer (json_plan.rs).

use serde_json::{Map, Number, Value};

use super::types::{Kind, VarSecInfo, INT_BOOL, INT_CHAR, INT_SIGNED};
use super::{err, Btf, Result, Type, MAX_DEPTH};

/// JSON nodes allowed per byte of value: hostile BTF can describe overlapping members (or zero-sized ones) whose
/// expansion grows exponentially with nesting; real values need about one node per byte, unions a few.
pub(super) const NODES_PER_BYTE: usize = 16;

struct Formatter<'a> {
    btf: &'a Btf,
    nodes: usize,
    max_nodes: usize,
}

impl Btf {
    /// Formats `data` as a value of type `type_id`. `data` must hold at least the type's size.
    pub fn format_value(&self, type_id: u32, data: &[u8]) -> Result<Value> {
        let size = self.resolve_size(type_id)? as usize;
        if data.len() < size {
            return err(format!(
                "value of type {type_id} needs {size} bytes, got {}",
                data.len()
            ));
        }
        let max_nodes = 1024 + size.saturating_mul(NODES_PER_BYTE);
        Formatter {
            btf: self,
            nodes: 0,
            max_nodes,
        }
        .value(type_id, data, 0, 0)
    }
}

pub(super) fn read_uint(data: &[u8], size: usize, big_endian: bool) -> Option<u128> {
    let bytes = data.get(..size)?;
    let mut v: u128 = 0;
    if big_endian {
        for b in bytes {
            v = v << 8 | *b as u128;
        }
    } else {
        for b in bytes.iter().rev() {
            v = v << 8 | *b as u128;
        }
    }
    Some(v)
}

fn hex(v: u128) -> Value {
    Value::String(format!("0x{v:x}"))
}

/// Whether an enum's values are signed, as bpftool reads them: ENUM always (an unnamed value 0xfffffffe prints
/// as -2, whatever the kflag says), ENUM64 when its kflag says so.
pub(super) fn enum_signed(t: &Type<'_>) -> bool {
    t.kind() == Kind::Enum || t.kflag()
}

pub(super) fn sign_extend(v: u128, bits: u32) -> i128 {
    if bits == 0 || bits >= 128 {
        return v as i128;
    }
    let shift = 128 - bits;
    ((v << shift) as i128) >> shift
}

impl Formatter<'_> {
    /// `shift`: bits to skip before an integer starts (a member of a BTF without kflag that starts inside a byte;
    /// bpftool passes it down through typedefs and modifiers to the integer).
    fn value(&mut self, id: u32, data: &[u8], depth: usize, shift: u32) -> Result<Value> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > self.max_nodes {
            return err(format!("type {id} is too deeply nested or loops"));
        }
        let Some(t) = self.btf.type_by_id(id) else {
            return Ok(Value::Null);
        };
        match t.kind() {
            Kind::Int => self.int(&t, data, shift),
            Kind::Float => Ok(self.float(&t, data)),
            Kind::Ptr => {
                let size = self.btf.ptr_size() as usize;
                Ok(self.uint_number(data, size))
            }
            Kind::Enum | Kind::Enum64 => self.enumeration(&t, data),
            Kind::Array => self.array(&t, data, depth),
            Kind::Struct | Kind::Union => self.composite(&t, data, depth),
            Kind::Typedef | Kind::DeclTag => self.value(t.type_id(), data, depth + 1, shift),
            k if k.is_modifier() => self.value(t.type_id(), data, depth + 1, shift),
            // bpftool's shapes: a variable is `{"name": value}`, a section `{".data": [variables]}`.
            Kind::Var => {
                let v = self.value(t.type_id(), data, depth + 1, shift)?;
                Ok(Value::Object(Map::from_iter([(t.name().to_string(), v)])))
            }
            Kind::Datasec => {
                let mut vars = Vec::with_capacity(t.vlen() as usize);
                for v in t.datasec_vars() {
                    let bytes = section_var_bytes(data, &v)?;
                    vars.push(self.value(v.type_id, bytes, depth + 1, 0)?);
                }
                let name = t.name().to_string();
                Ok(Value::Object(Map::from_iter([(name, Value::Array(vars))])))
            }
            _ => Ok(Value::Null),
        }
    }

    fn uint_number(&self, data: &[u8], size: usize) -> Value {
        match read_uint(data, size, self.btf.big_endian()) {
            Some(v) if v <= u64::MAX as u128 => Value::Number((v as u64).into()),
            Some(v) => hex(v),
            None => Value::Null,
        }
    }

    fn int(&self, t: &Type, data: &[u8], shift: u32) -> Result<Value> {
        let shape = int_shape(t, shift);
        let Some(raw) = read_uint(data, shape.size(), self.btf.big_endian()) else {
            return err("value truncated");
        };
        Ok(match shape {
            IntShape::Hex { shift, bits, .. } => hex(bitfield_bits(raw, shift, bits)),
            IntShape::Bool => Value::Bool(raw != 0),
            IntShape::Char => Value::String(char::from(raw as u8).to_string()),
            IntShape::Signed { bits, .. } => Value::Number((sign_extend(raw, bits) as i64).into()),
            IntShape::Unsigned { .. } => Value::Number((raw as u64).into()),
        })
    }

    fn float(&self, t: &Type, data: &[u8]) -> Value {
        let raw = read_uint(data, t.size() as usize, self.btf.big_endian()).unwrap_or(0);
        match float_value(t.size(), raw) {
            Some(f) => Value::Number(f),
            None => hex(raw),
        }
    }

    fn enumeration(&self, t: &Type, data: &[u8]) -> Result<Value> {
        let raw = read_uint(data, t.size() as usize, self.btf.big_endian()).unwrap_or(0) as u64;
        let (want, signed) = enum_key(t, raw);
        for v in t.enum_values() {
            if enum_key(t, v.value).0 == want {
                return Ok(Value::String(v.name.to_string()));
            }
        }
        Ok(if signed {
            Value::Number((want as i64).into())
        } else {
            Value::Number(want.into())
        })
    }

    fn array(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<Value> {
        let a = t.array();
        if self.btf.is_char_elem(a.elem_type) {
            if let Some(text) = c_string(data, a.nelems as usize) {
                return Ok(Value::String(String::from_utf8_lossy(text).into_owned()));
            }
        }
        let elem_size = self.btf.resolve_size(a.elem_type)? as usize;
        let mut items = Vec::new();
        for i in 0..a.nelems as usize {
            let off = i.saturating_mul(elem_size);
            let Some(bytes) = data.get(off..) else {
                return err("array runs past the value");
            };
            items.push(self.value(a.elem_type, bytes, depth + 1, 0)?);
            if self.nodes > self.max_nodes {
                return err("value too large to format");
            }
        }
        Ok(Value::Array(items))
    }

    /// Members in order. A JSON object keeps one value per name: where members repeat a name (anonymous structs
    /// and unions are all called ""), the tree keeps the last one; the writers print every one, as bpftool does.
    fn composite(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<Value> {
        let mut obj = Map::new();
        for m in t.members() {
            let Some(bytes) = data.get((m.bit_offset / 8) as usize..) else {
                return err(format!("member {} is outside the value", m.name));
            };
            let v = if m.bitfield_size != 0 {
                let (size, shift) = bitfield_span(m.bit_offset, m.bitfield_size);
                let raw = read_uint(bytes, size, self.btf.big_endian()).unwrap_or(0);
                hex(bitfield_bits(raw, shift, m.bitfield_size))
            } else {
                self.value(m.type_id, bytes, depth + 1, m.bit_offset % 8)?
            };
            obj.insert(m.name.to_string(), v);
        }
        Ok(Value::Object(obj))
    }
}

/// How bpftool prints an integer type (its btf_dumper_int), decided in one place for the tree and both writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IntShape {
    /// Raw bits as hex: bitfields, 128-bit integers, widths that are not 8/16/32/64. `size` bytes are read.
    Hex {
        size: usize,
        shift: u32,
        bits: u32,
    },
    /// One byte, true when not zero.
    Bool,
    /// A CHAR-encoded byte: a one-character string (`"a"`, `"\u0001"`).
    Char,
    Signed {
        size: usize,
        bits: u32,
    },
    Unsigned {
        size: usize,
    },
}

impl IntShape {
    /// Bytes read from the data.
    pub(super) fn size(self) -> usize {
        match self {
            IntShape::Hex { size, .. }
            | IntShape::Signed { size, .. }
            | IntShape::Unsigned { size } => size,
            IntShape::Bool | IntShape::Char => 1,
        }
    }
}

/// The shape of integer type `t` starting `shift` bits into its data, in bpftool's order of tests.
pub(super) fn int_shape(t: &Type, shift: u32) -> IntShape {
    let info = t.int_info();
    let shift = shift + info.offset;
    let hex = |shift: u32| IntShape::Hex {
        size: ((shift + info.bits) as usize).div_ceil(8).min(16),
        shift,
        bits: info.bits,
    };
    if shift != 0 || info.bits % 8 != 0 || info.bits == 128 {
        return hex(shift);
    }
    let size = (info.bits / 8) as usize;
    if info.encoding & INT_BOOL != 0 {
        IntShape::Bool
    } else if info.encoding & INT_CHAR != 0 {
        IntShape::Char
    } else if !matches!(info.bits, 8 | 16 | 32 | 64) {
        hex(0)
    } else if info.encoding & INT_SIGNED != 0 {
        IntShape::Signed {
            size,
            bits: info.bits,
        }
    } else {
        IntShape::Unsigned { size }
    }
}

/// Bytes to read for a bitfield member at `bit_offset` of `bits` bits, and the shift within them.
pub(super) fn bitfield_span(bit_offset: u32, bits: u32) -> (usize, u32) {
    let shift = bit_offset % 8;
    (((shift + bits) as usize).div_ceil(8).min(16), shift)
}

/// The bytes of one variable of a section: its offset and size must lie within the section's data.
pub(super) fn section_var_bytes<'d>(data: &'d [u8], v: &VarSecInfo) -> Result<&'d [u8]> {
    let start = v.offset as usize;
    data.get(start..start.saturating_add(v.size as usize))
        .ok_or_else(|| {
            super::Error(format!(
                "variable at offset {} is outside the section",
                v.offset
            ))
        })
}

/// A float's value as a JSON number; None for inf and NaN (JSON cannot spell them) and for sizes other than 4 and 8.
pub(super) fn float_value(size: u32, raw: u128) -> Option<Number> {
    let f = match size {
        4 => f32::from_bits(raw as u32) as f64,
        8 => f64::from_bits(raw as u64),
        _ => return None,
    };
    Number::from_f64(f)
}

/// An enum value normalized for comparison with the enumerators (bpftool reads ENUM as signed of its size), and
/// whether an unnamed value prints signed.
pub(super) fn enum_key(t: &Type, v: u64) -> (u64, bool) {
    let (bits, signed) = enum_width(t);
    (normalize_enum(v, bits, signed), signed)
}

/// Bits of an enum's values (its size, at most 64) and whether they are signed.
pub(super) fn enum_width(t: &Type) -> (u32, bool) {
    (t.size().saturating_mul(8).min(64), enum_signed(t))
}

pub(super) fn normalize_enum(v: u64, bits: u32, signed: bool) -> u64 {
    if bits == 64 {
        v
    } else if signed {
        sign_extend(u128::from(v) & ((1u128 << bits) - 1), bits) as u64
    } else {
        v & ((1u64 << bits) - 1)
    }
}

/// bpftool's rule for a char array: printable bytes (0x20..0x7e) up to a NUL make a string; None otherwise.
pub(super) fn c_string(data: &[u8], nelems: usize) -> Option<&[u8]> {
    if nelems == 0 {
        return None;
    }
    let bytes = data.get(..nelems)?;
    let end = bytes.iter().position(|b| *b == 0)?;
    let text = &bytes[..end];
    text.iter()
        .all(|b| (0x20..0x7f).contains(b))
        .then_some(text)
}

impl Btf {
    /// Whether an array of `elem` can print as a string: one-byte ints marked CHAR or named `char`, behind
    /// modifiers (not typedefs: bpftool does not count a typedef to char).
    pub(super) fn is_char_elem(&self, elem: u32) -> bool {
        let Some(t) = self
            .skip_modifiers(elem, false)
            .ok()
            .and_then(|id| self.type_by_id(id))
        else {
            return false;
        };
        t.kind() == Kind::Int
            && t.size() == 1
            && (t.int_info().encoding & INT_CHAR != 0 || t.name() == "char")
    }
}

/// The `bits` bits of `raw` starting at bit `shift`.
pub(super) fn bitfield_bits(raw: u128, shift: u32, bits: u32) -> u128 {
    let shifted = if shift >= 128 { 0 } else { raw >> shift };
    let mask = if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    shifted & mask
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::blob::Blob;
    use super::super::json_out::Flavor;
    use super::*;

    /// A `.data` section holding every shape the writers plan: a struct with a CHAR-encoded int, a float, two
    /// anonymous members and an old-style (no kflag) 3-bit member starting at bit 5, and a plain int variable.
    pub(in crate::btf) fn sample_section() -> (Btf, u32) {
        let mut b = Blob::new();
        let u32_t = b.int("unsigned int", 4, 0, 0, 32);
        let ch = b.int("char", 1, 2, 0, 8);
        let bits3 = b.int("u3", 4, 0, 0, 3);
        let f = b.float("float", 4);
        let inner = b.structure("", 4, false, &[("x", u32_t, 0)]);
        let inner2 = b.structure("", 4, false, &[("y", u32_t, 0)]);
        let flags = b.typedef("flags_t", bits3);
        let st = b.structure(
            "conf",
            20,
            false,
            &[
                ("tag", ch, 0),
                ("mode", flags, 5),
                ("ratio", f, 32),
                ("", inner, 64),
                ("", inner2, 96),
                ("n", u32_t, 128),
            ],
        );
        let v1 = b.var("conf", st);
        let v2 = b.var("count", u32_t);
        let sec = b.datasec(".data", 24, &[(v1, 0, 20), (v2, 20, 4)]);
        (b.build(), sec)
    }

    #[test]
    fn sections_variables_and_odd_ints_print_as_bpftool_prints_them() {
        let (btf, sec) = sample_section();
        let mut data = vec![0u8; 24];
        // The CHAR member reads the whole first byte (unprintable 0xa1); the 3-bit member its bits 5..8 (0b101).
        data[0] = 0x01 | 0b101 << 5;
        data[4..8].copy_from_slice(&0.25f32.to_bits().to_le_bytes());
        data[8] = 7;
        data[12] = 9;
        data[16] = 3;
        data[20] = 42;
        let mut json = Vec::new();
        btf.write_value(sec, &data, Flavor::Json, &mut json)
            .unwrap();
        assert_eq!(
            String::from_utf8(json.clone()).unwrap(),
            r#"{".data":[{"conf":{"tag":"\u00a1","mode":"0x5","ratio":0.25,"":{"x":7},"":{"y":9},"n":3}},{"count":42}]}"#
        );
        let mut plain = Vec::new();
        btf.write_value(sec, &data, Flavor::Plain, &mut plain)
            .unwrap();
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            r#"{".data":[{"conf":{"tag":0xa1,"mode":0x5,"ratio":0.25,"":{"x":7},"":{"y":9},"n":3}},{"count":42}]}"#
        );
        // The tree keeps the last of the repeated names, as parsing the writer's JSON does.
        let tree = btf.format_value(sec, &data).unwrap();
        let parsed: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(tree, parsed);
        assert_eq!(tree[".data"][0]["conf"][""], serde_json::json!({"y": 9}));
    }

    #[test]
    fn the_section_shape_encodes_back() {
        let (btf, sec) = sample_section();
        let typed = serde_json::json!({".data": [{"count": 42}, {"conf": {"tag": "z", "mode": "0x5", "n": 3}}]});
        let bytes = btf.encode_value(sec, &typed).unwrap();
        let mut want = vec![0u8; 24];
        want[0] = (b'z' & 0x1f) | 0b101 << 5; // the 3-bit member overwrites bits 5..8 of the char
        want[16] = 3;
        want[20] = 42;
        assert_eq!(bytes, want);
        for bad in [
            serde_json::json!({".bss": []}),
            serde_json::json!({".data": [{"nope": 1}]}),
            serde_json::json!({".data": [7]}),
        ] {
            assert!(btf.encode_value(sec, &bad).is_err(), "{bad}");
        }
    }
}
