//! The inverse of `value`: JSON typed by BTF into the bytes the kernel stores, for `map lookup MAP key '{"pid":
//! 42}'` and friends. Structs take objects (missing members are zero, unknown ones are an error), integers take
//! numbers or "0x.." strings, enums take names or numbers, char arrays take strings.

use serde_json::Value;

use super::types::{Kind, INT_SIGNED};
use super::{err, Btf, Result, Type, MAX_DEPTH};

impl Btf {
    /// Encodes `value` as type `type_id` into a zeroed buffer of the type's size.
    pub fn encode_value(&self, type_id: u32, value: &Value) -> Result<Vec<u8>> {
        let size = self.resolve_size(type_id)? as usize;
        let mut out = vec![0u8; size];
        Encoder { btf: self }.encode(type_id, value, &mut out, 0, "")?;
        Ok(out)
    }
}

struct Encoder<'a> {
    btf: &'a Btf,
}

/// Where in the value an error is, as a message prefix: `.flow.port: `, nothing at the top.
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl Encoder<'_> {
    fn encode(&self, id: u32, v: &Value, out: &mut [u8], depth: usize, path: &str) -> Result<()> {
        if depth > MAX_DEPTH {
            return err(format!("{}type {id} nests too deeply", at(path)));
        }
        let t = self.btf.get(id)?;
        match t.kind() {
            Kind::Typedef | Kind::Var | Kind::DeclTag => {
                self.encode(t.type_id(), v, out, depth + 1, path)
            }
            k if k.is_modifier() => self.encode(t.type_id(), v, out, depth + 1, path),
            Kind::Int => self.int(&t, v, out, path),
            Kind::Ptr => self.write_uint(integer(v, false, 64, path)?, out, path),
            Kind::Enum | Kind::Enum64 => self.enumeration(&t, v, out, path),
            Kind::Float => self.float(&t, v, out, path),
            Kind::Array => self.array(&t, v, out, depth, path),
            Kind::Struct | Kind::Union => self.composite(&t, v, out, depth, path),
            other => err(format!(
                "{}cannot take a value of BTF kind {}",
                at(path),
                other.name()
            )),
        }
    }

    fn write_uint(&self, raw: u128, out: &mut [u8], path: &str) -> Result<()> {
        let n = out.len();
        if n < 16 && raw >> (n * 8) != 0 && (raw as i128) >= 0 {
            return err(format!("{}{raw} does not fit in {n} byte(s)", at(path)));
        }
        for (i, slot) in out.iter_mut().enumerate() {
            let shift = if self.btf.big_endian() {
                (n - 1 - i) * 8
            } else {
                i * 8
            };
            *slot = if shift < 128 { (raw >> shift) as u8 } else { 0 };
        }
        Ok(())
    }

    fn int(&self, t: &Type, v: &Value, out: &mut [u8], path: &str) -> Result<()> {
        let info = t.int_info();
        let signed = info.encoding & INT_SIGNED != 0;
        let raw = match v {
            Value::Bool(b) => u128::from(*b),
            _ => integer(v, signed, info.bits, path)?,
        };
        let size = (t.size() as usize).min(out.len());
        self.write_uint(raw, &mut out[..size], path)
    }

    fn enumeration(&self, t: &Type, v: &Value, out: &mut [u8], path: &str) -> Result<()> {
        let raw = match v {
            Value::String(name) if !name.starts_with("0x") => {
                match t.enum_values().find(|e| e.name == name) {
                    Some(e) => e.value as u128 & mask(t.size() * 8),
                    None => {
                        let names: Vec<&str> = t.enum_values().map(|e| e.name).collect();
                        return err(format!(
                            "{}'{name}' is not one of {}",
                            at(path),
                            names.join(", ")
                        ));
                    }
                }
            }
            _ => integer(v, t.kflag(), t.size() * 8, path)?,
        };
        let size = (t.size() as usize).min(out.len());
        self.write_uint(raw, &mut out[..size], path)
    }

    fn float(&self, t: &Type, v: &Value, out: &mut [u8], path: &str) -> Result<()> {
        let f = v
            .as_f64()
            .ok_or_else(|| super::Error(format!("{}expected a number", at(path))))?;
        let raw = match t.size() {
            4 => u128::from((f as f32).to_bits()),
            8 => u128::from(f.to_bits()),
            n => return err(format!("{}floats of {n} bytes are not supported", at(path))),
        };
        let size = (t.size() as usize).min(out.len());
        self.write_uint(raw, &mut out[..size], path)
    }

    fn array(&self, t: &Type, v: &Value, out: &mut [u8], depth: usize, path: &str) -> Result<()> {
        let a = t.array();
        let elem_size = self.btf.resolve_size(a.elem_type)? as usize;
        match v {
            Value::String(s) if elem_size == 1 => {
                if s.len() > a.nelems as usize {
                    return err(format!(
                        "{}\"{s}\" is longer than {} bytes",
                        at(path),
                        a.nelems
                    ));
                }
                out[..s.len()].copy_from_slice(s.as_bytes());
                Ok(())
            }
            Value::Array(items) => {
                if items.len() > a.nelems as usize {
                    return err(format!(
                        "{}{} elements given, the array holds {}",
                        at(path),
                        items.len(),
                        a.nelems
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    let slot =
                        out.get_mut(i * elem_size..(i + 1) * elem_size)
                            .ok_or_else(|| {
                                super::Error(format!("{}array runs past the value", at(path)))
                            })?;
                    self.encode(a.elem_type, item, slot, depth + 1, &format!("{path}[{i}]"))?;
                }
                Ok(())
            }
            _ => err(format!(
                "{}expected an array{}",
                at(path),
                if elem_size == 1 { " or a string" } else { "" }
            )),
        }
    }

    fn composite(
        &self,
        t: &Type,
        v: &Value,
        out: &mut [u8],
        depth: usize,
        path: &str,
    ) -> Result<()> {
        let Value::Object(fields) = v else {
            return err(format!(
                "{}expected an object with members of {} {}",
                at(path),
                t.kind().name().to_lowercase(),
                t.name()
            ));
        };
        for name in fields.keys() {
            if !t.members().any(|m| m.name == name) {
                let names: Vec<&str> = t.members().map(|m| m.name).collect();
                return err(format!(
                    "{}no member '{name}' (members: {})",
                    at(path),
                    names.join(", ")
                ));
            }
        }
        for m in t.members() {
            let Some(field) = fields.get(m.name) else {
                continue;
            };
            let sub = format!("{path}.{}", m.name);
            let start = (m.bit_offset / 8) as usize;
            if m.bitfield_size != 0 {
                let raw = integer(field, false, m.bitfield_size, &sub)?;
                set_bits(
                    out,
                    m.bit_offset,
                    m.bitfield_size,
                    raw,
                    self.btf.big_endian(),
                );
                continue;
            }
            let size = self.btf.resolve_size(m.type_id)? as usize;
            let slot = out
                .get_mut(start..start + size)
                .ok_or_else(|| super::Error(format!("{sub}: member lies outside the value")))?;
            self.encode(m.type_id, field, slot, depth + 1, &sub)?;
        }
        Ok(())
    }
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// A JSON number or "0x.." string as raw bits of a `bits`-wide integer, range-checked.
fn integer(v: &Value, signed: bool, bits: u32, path: &str) -> Result<u128> {
    let bits = bits.clamp(1, 128);
    let (min, max): (i128, i128) = if signed {
        (
            -(1i128 << (bits.min(127) - 1)),
            (1i128 << (bits.min(127) - 1)) - 1,
        )
    } else {
        (
            0,
            if bits >= 127 {
                i128::MAX
            } else {
                (1i128 << bits) - 1
            },
        )
    };
    let n: i128 = match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i128::from(i),
            (None, Some(u)) => i128::from(u),
            _ => return err(format!("{}{n} is not an integer", at(path))),
        },
        Value::String(s) => match s.strip_prefix("0x") {
            Some(h) => i128::from_str_radix(h, 16)
                .map_err(|_| super::Error(format!("{}'{s}' is not hexadecimal", at(path))))?,
            None => s
                .parse()
                .map_err(|_| super::Error(format!("{}'{s}' is not an integer", at(path))))?,
        },
        other => return err(format!("{}expected an integer, got {other}", at(path))),
    };
    if n < min || n > max {
        return err(format!(
            "{}{n} is out of range for a {}{bits}-bit integer",
            at(path),
            if signed { "signed " } else { "" }
        ));
    }
    Ok(n as u128 & mask(bits))
}

/// Writes a little- or big-endian bitfield of `bits` bits at `bit_offset` into `out`.
fn set_bits(out: &mut [u8], bit_offset: u32, bits: u32, raw: u128, big_endian: bool) {
    for i in 0..bits {
        let bit = (raw >> i) & 1;
        let pos = if big_endian {
            bit_offset + bits - 1 - i
        } else {
            bit_offset + i
        };
        let (byte, shift) = (
            (pos / 8) as usize,
            if big_endian { 7 - pos % 8 } else { pos % 8 },
        );
        if let Some(b) = out.get_mut(byte) {
            *b = (*b & !(1 << shift)) | ((bit as u8) << shift);
        }
    }
}
