//! Turning bytes into JSON through a BTF type, the way bpftool's "formatted" map output does: structs become
//! objects, integers numbers, char arrays strings, enums names, bitfields and 128-bit integers hex strings.
//! Pointers are numbers, as bpftool prints them (its JSON is the compatibility contract).

use serde_json::{Map, Number, Value};

use super::types::{Kind, INT_BOOL, INT_SIGNED};
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
        .value(type_id, data, 0)
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
    fn value(&mut self, id: u32, data: &[u8], depth: usize) -> Result<Value> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > self.max_nodes {
            return err(format!("type {id} is too deeply nested or loops"));
        }
        let Some(t) = self.btf.type_by_id(id) else {
            return Ok(Value::Null);
        };
        match t.kind() {
            Kind::Int => self.int(&t, data),
            Kind::Float => self.float(&t, data),
            Kind::Ptr => {
                let size = self.btf.ptr_size() as usize;
                Ok(self.uint_number(data, size))
            }
            Kind::Enum | Kind::Enum64 => self.enumeration(&t, data),
            Kind::Array => self.array(&t, data, depth),
            Kind::Struct | Kind::Union => self.composite(&t, data, depth),
            Kind::Typedef | Kind::Var | Kind::DeclTag => self.value(t.type_id(), data, depth + 1),
            k if k.is_modifier() => self.value(t.type_id(), data, depth + 1),
            Kind::Datasec => {
                let mut vars = Vec::new();
                for v in t.datasec_vars() {
                    let Some(bytes) = data.get(
                        v.offset as usize..(v.offset as usize).saturating_add(v.size as usize),
                    ) else {
                        return err(format!(
                            "variable at offset {} is outside the section",
                            v.offset
                        ));
                    };
                    let name = self
                        .btf
                        .type_by_id(v.type_id)
                        .map(|t| t.name())
                        .unwrap_or("");
                    let mut obj = Map::new();
                    obj.insert(name.to_string(), self.value(v.type_id, bytes, depth + 1)?);
                    vars.push(Value::Object(obj));
                }
                Ok(Value::Array(vars))
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

    fn int(&self, t: &Type, data: &[u8]) -> Result<Value> {
        let info = t.int_info();
        let size = t.size() as usize;
        let Some(raw) = read_uint(data, size, self.btf.big_endian()) else {
            return err("value truncated");
        };
        if info.offset != 0 || info.bits != t.size() * 8 {
            return Ok(bitfield(raw, info.offset, info.bits));
        }
        if info.encoding & INT_BOOL != 0 {
            return Ok(Value::Bool(raw != 0));
        }
        if size == 16 {
            return Ok(hex(raw));
        }
        if info.encoding & INT_SIGNED != 0 {
            Ok(Value::Number((sign_extend(raw, info.bits) as i64).into()))
        } else {
            Ok(Value::Number((raw as u64).into()))
        }
    }

    fn float(&self, t: &Type, data: &[u8]) -> Result<Value> {
        let raw = read_uint(data, t.size() as usize, self.btf.big_endian()).unwrap_or(0);
        let f = match t.size() {
            4 => f32::from_bits(raw as u32) as f64,
            8 => f64::from_bits(raw as u64),
            _ => return Ok(hex(raw)),
        };
        // JSON has no inf or NaN (bpftool prints them bare, which is not JSON): the raw bits in hex instead, which
        // `map update` takes back, so a dump still round-trips.
        Ok(Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or_else(|| hex(raw)))
    }

    fn enumeration(&self, t: &Type, data: &[u8]) -> Result<Value> {
        let raw = read_uint(data, t.size() as usize, self.btf.big_endian()).unwrap_or(0) as u64;
        let bits = t.size().saturating_mul(8).min(64);
        let signed = enum_signed(t);
        let norm = |v: u64| -> u64 {
            if bits == 64 {
                v
            } else if signed {
                sign_extend(v as u128 & ((1u128 << bits) - 1), bits) as u64
            } else {
                v & ((1u64 << bits) - 1)
            }
        };
        let want = norm(raw);
        for v in t.enum_values() {
            if norm(v.value) == want {
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
        if let Some(s) = self.char_array_string(a.elem_type, a.nelems, data) {
            return Ok(Value::String(s));
        }
        let elem_size = self.btf.resolve_size(a.elem_type)? as usize;
        let mut items = Vec::new();
        for i in 0..a.nelems as usize {
            let off = i.saturating_mul(elem_size);
            let Some(bytes) = data.get(off..) else {
                return err("array runs past the value");
            };
            items.push(self.value(a.elem_type, bytes, depth + 1)?);
            if self.nodes > self.max_nodes {
                return err("value too large to format");
            }
        }
        Ok(Value::Array(items))
    }

    /// bpftool's rule: a `char` (or CHAR-encoded) array whose bytes are printable up to a NUL is a string;
    /// typedefs to char do not count.
    fn char_array_string(&self, elem: u32, nelems: u32, data: &[u8]) -> Option<String> {
        if nelems == 0 {
            return None;
        }
        let id = self.btf.skip_modifiers(elem, false).ok()?;
        let t = self.btf.type_by_id(id)?;
        if t.kind() != Kind::Int || t.size() != 1 {
            return None;
        }
        if t.int_info().encoding & super::types::INT_CHAR == 0 && t.name() != "char" {
            return None;
        }
        let bytes = data.get(..nelems as usize)?;
        let end = bytes.iter().position(|b| *b == 0)?;
        if bytes[..end].iter().any(|b| *b <= 0x1f || *b >= 0x7f) {
            return None;
        }
        Some(String::from_utf8_lossy(&bytes[..end]).into_owned())
    }

    fn composite(&mut self, t: &Type, data: &[u8], depth: usize) -> Result<Value> {
        let mut obj = Map::new();
        for m in t.members() {
            let byte_off = (m.bit_offset / 8) as usize;
            let Some(bytes) = data.get(byte_off..) else {
                return err(format!("member {} is outside the value", m.name));
            };
            let v = if m.bitfield_size != 0 {
                let nbytes = ((m.bit_offset % 8 + m.bitfield_size) as usize).div_ceil(8);
                let raw = read_uint(bytes, nbytes.min(16), self.btf.big_endian()).unwrap_or(0);
                bitfield(raw, m.bit_offset % 8, m.bitfield_size)
            } else {
                self.value(m.type_id, bytes, depth + 1)?
            };
            obj.insert(m.name.to_string(), v);
        }
        Ok(Value::Object(obj))
    }
}

/// bpftool prints bitfields as hex strings ("0x1").
fn bitfield(raw: u128, bit_offset: u32, bits: u32) -> Value {
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
    hex(shifted & mask)
}
