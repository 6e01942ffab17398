//! The inverse of `value`: JSON typed by BTF into the bytes the kernel stores, for `map lookup MAP key '{"pid":
//! 42}'` and friends. Structs take objects (missing members are zero, unknown ones are an error), integers take
//! numbers or "0x.." strings, enums take names or numbers, char arrays take strings, floats numbers or raw "0x.." bits.

use serde_json::Value;

use super::types::{Kind, INT_CHAR, INT_SIGNED};
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
            Kind::Typedef | Kind::DeclTag => self.encode(t.type_id(), v, out, depth + 1, path),
            Kind::Var => {
                let inner = self.var_value(&t, v, path)?;
                self.encode(
                    t.type_id(),
                    inner,
                    out,
                    depth + 1,
                    &format!("{path}.{}", t.name()),
                )
            }
            Kind::Datasec => self.section(&t, v, out, depth, path),
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

    /// Whether a bitfield's declared type is signed (`__s32 x : 4` takes -8..7), through typedefs and modifiers.
    fn signed(&self, mut id: u32) -> bool {
        for _ in 0..MAX_DEPTH {
            let Ok(t) = self.btf.get(id) else {
                return false;
            };
            match t.kind() {
                Kind::Int => return t.int_info().encoding & INT_SIGNED != 0,
                Kind::Enum | Kind::Enum64 => return t.kflag(),
                Kind::Typedef => id = t.type_id(),
                k if k.is_modifier() => id = t.type_id(),
                _ => return false,
            }
        }
        false
    }

    /// The width of an integer member of a BTF without kflag that starts inside a byte (an old-style bitfield,
    /// formatted as raw bits); 0 when the member is not an integer.
    fn int_bits(&self, id: u32) -> u32 {
        match self
            .btf
            .skip_modifiers(id, true)
            .ok()
            .and_then(|id| self.btf.type_by_id(id))
        {
            Some(t) if t.kind() == Kind::Int => t.int_info().bits,
            _ => 0,
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

    /// A variable's value from the formatted shape `{"name": value}`.
    fn var_value<'v>(&self, t: &Type, v: &'v Value, path: &str) -> Result<&'v Value> {
        match v {
            Value::Object(o) if o.len() == 1 && o.contains_key(t.name()) => Ok(&o[t.name()]),
            _ => err(format!(
                "{}expected {{\"{}\": value}} for variable {}",
                at(path),
                t.name(),
                t.name()
            )),
        }
    }

    /// A global data section from the formatted shape `{".data": [{"var": value}, ...]}`: variables by name, in
    /// any order; those not given are zero, as missing struct members are.
    fn section(&self, t: &Type, v: &Value, out: &mut [u8], depth: usize, path: &str) -> Result<()> {
        let vars = match v {
            Value::Object(o) if o.len() == 1 => o.get(t.name()).and_then(Value::as_array),
            _ => None,
        };
        let Some(vars) = vars else {
            return err(format!(
                "{}expected {{\"{}\": [{{\"variable\": value}}, ...]}}",
                at(path),
                t.name()
            ));
        };
        let path = format!("{path}{}", t.name());
        for item in vars {
            let name = match item {
                Value::Object(o) if o.len() == 1 => o.keys().next().map(String::as_str),
                _ => None,
            };
            let found = name.and_then(|name| {
                t.datasec_vars().find(|s| {
                    self.btf
                        .type_by_id(s.type_id)
                        .is_some_and(|v| v.name() == name)
                })
            });
            let Some(sec_var) = found else {
                return err(format!(
                    "{}{item} is not {{\"variable\": value}} of a variable in {}",
                    at(&path),
                    t.name()
                ));
            };
            let start = sec_var.offset as usize;
            let slot = out
                .get_mut(start..start.saturating_add(sec_var.size as usize))
                .ok_or_else(|| {
                    super::Error(format!("{path}: variable lies outside the section"))
                })?;
            self.encode(sec_var.type_id, item, slot, depth + 1, &path)?;
        }
        Ok(())
    }

    fn int(&self, t: &Type, v: &Value, out: &mut [u8], path: &str) -> Result<()> {
        let info = t.int_info();
        let signed = info.encoding & INT_SIGNED != 0;
        let raw = match v {
            Value::Bool(b) => u128::from(*b),
            // A CHAR-encoded byte is formatted as a one-character string.
            Value::String(s) if info.encoding & INT_CHAR != 0 => {
                match s.chars().collect::<Vec<_>>()[..] {
                    [c] if u32::from(c) <= 0xff => u128::from(u32::from(c)),
                    _ => return err(format!("{}expected one character, got \"{s}\"", at(path))),
                }
            }
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
            // An unnamed value prints signed or not as bpftool reads the enum (value.rs), whatever its kflag:
            // either reading of the same bits encodes back.
            _ => integer(v, t.kflag(), t.size() * 8, path)
                .or_else(|e| integer(v, !t.kflag(), t.size() * 8, path).map_err(|_| e))?,
        };
        let size = (t.size() as usize).min(out.len());
        self.write_uint(raw, &mut out[..size], path)
    }

    fn float(&self, t: &Type, v: &Value, out: &mut [u8], path: &str) -> Result<()> {
        // Hex is the raw bits, as printed for inf, NaN and floats other than float/double.
        if v.as_str().is_some_and(|s| s.starts_with("0x")) {
            let raw = integer(v, false, t.size().saturating_mul(8), path)?;
            let size = (t.size() as usize).min(out.len());
            return self.write_uint(raw, &mut out[..size], path);
        }
        let f = v
            .as_f64()
            .ok_or_else(|| super::Error(format!("{}expected a number", at(path))))?;
        let raw = match t.size() {
            4 if f.abs() > f64::from(f32::MAX) => {
                return err(format!("{}{f} is out of range for a float", at(path)))
            }
            4 => u128::from((f as f32).to_bits()),
            8 => u128::from(f.to_bits()),
            n => {
                return err(format!(
                    "{}a {n}-byte float takes its raw bits as a \"0x..\" string",
                    at(path)
                ))
            }
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
        if t.kind() != Kind::Union {
            for (m, field) in given_members(t, fields) {
                self.encode_member(&m, field, out, depth, path)?;
            }
            return Ok(());
        }
        // A union's members overlap, and a dump shows every one of them read from the same bytes, some only in
        // part (a `_Bool` prints any non-zero byte as true, a char array stops at its NUL, a bitfield shows some
        // bits of a byte). Each member is encoded on its own and its bytes merged in: a byte comes from a member
        // that showed it whole wherever one did.
        // Masks of the bits (as stored) some member showed whole, and of those this member shows.
        let mut whole = vec![0u8; out.len()];
        for (m, field) in given_members(t, fields) {
            let mut mine = out.to_vec();
            self.encode_member(&m, field, &mut mine, depth, path)?;
            let mut shown = vec![0u8; out.len()];
            let first = ((m.bit_offset / 8) as usize).min(out.len());
            let end = match m.bitfield_size {
                0 => {
                    let size = self.btf.resolve_size(m.type_id)? as usize;
                    let end = (first + size).min(out.len());
                    self.mark_shown(m.type_id, field, &mut shown[first..end], 0);
                    end
                }
                bits => {
                    self.mark_bits_shown(&mut shown, m.bit_offset, bits);
                    ((m.bit_offset + bits).div_ceil(8) as usize).min(out.len())
                }
            };
            for i in first..end {
                let take = !whole[i];
                out[i] = (out[i] & !take) | (mine[i] & take);
                whole[i] |= shown[i];
            }
        }
        Ok(())
    }

    fn encode_member(
        &self,
        m: &super::types::Member,
        field: &Value,
        out: &mut [u8],
        depth: usize,
        path: &str,
    ) -> Result<()> {
        let sub = format!("{path}.{}", m.name);
        let start = (m.bit_offset / 8) as usize;
        let bits = match m.bitfield_size {
            0 if m.bit_offset % 8 != 0 => self.int_bits(m.type_id),
            n => n,
        };
        if bits != 0 {
            let signed = self.signed(m.type_id);
            let raw = integer(field, signed, bits, &sub)?;
            set_bits(out, m.bit_offset, bits, raw, self.btf.big_endian());
            return Ok(());
        }
        let size = self.btf.resolve_size(m.type_id)? as usize;
        let slot = out
            .get_mut(start..start + size)
            .ok_or_else(|| super::Error(format!("{sub}: member lies outside the value")))?;
        self.encode(m.type_id, field, slot, depth + 1, &sub)
    }

    /// Marks the bits a bitfield's raw value shows, in the order the BTF's byte order stores them.
    fn mark_bits_shown(&self, shown: &mut [u8], bit_offset: u32, bits: u32) {
        for k in bit_offset..bit_offset.saturating_add(bits) {
            let bit = if self.btf.big_endian() {
                0x80 >> (k % 8)
            } else {
                1 << (k % 8)
            };
            if let Some(byte) = shown.get_mut((k / 8) as usize) {
                *byte |= bit;
            }
        }
    }

    /// Marks (0xff) the bytes of `shown` (the value's own) that its formatted form `v` shows whole: not a `_Bool`
    /// given as `true` (any non-zero byte prints so), not a char array's bytes after the NUL that ends its string,
    /// not the padding between members or what the input leaves out. Follows the JSON, so a hostile BTF cannot
    /// make it walk more than the input.
    fn mark_shown(&self, id: u32, v: &Value, shown: &mut [u8], depth: usize) {
        let Some(t) = self
            .btf
            .skip_modifiers(id, true)
            .ok()
            .and_then(|id| self.btf.type_by_id(id))
        else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        match (t.kind(), v) {
            (Kind::Int, Value::Bool(true)) => {}
            (Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float | Kind::Ptr, _) => {
                shown.fill(0xff)
            }
            (Kind::Array, Value::String(s)) => {
                let to = (s.len() + 1).min(shown.len());
                shown[..to].fill(0xff);
            }
            (Kind::Array, Value::Array(items)) => {
                let elem = t.array().elem_type;
                let size = self.btf.resolve_size(elem).unwrap_or(0) as usize;
                for (i, item) in items.iter().enumerate() {
                    if let Some(slot) = shown.get_mut(i * size..(i + 1) * size) {
                        self.mark_shown(elem, item, slot, depth + 1);
                    }
                }
            }
            (Kind::Struct | Kind::Union, Value::Object(fields)) => {
                for (m, field) in given_members(&t, fields) {
                    if m.bitfield_size != 0 {
                        self.mark_bits_shown(shown, m.bit_offset, m.bitfield_size);
                        continue;
                    }
                    let size = self.btf.resolve_size(m.type_id).unwrap_or(0) as usize;
                    let start = (m.bit_offset / 8) as usize;
                    if let Some(slot) = shown.get_mut(start..start + size) {
                        self.mark_shown(m.type_id, field, slot, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The members a formatted object gives, in the type's order. Anonymous members all print under "": several
/// of them come back as one array (mapdata::dump_json), taken in order.
fn given_members<'t, 'v>(
    t: &Type<'t>,
    fields: &'v serde_json::Map<String, Value>,
) -> Vec<(super::types::Member<'t>, &'v Value)> {
    let mut anonymous = 0;
    let mut given = Vec::with_capacity(t.vlen() as usize);
    for m in t.members() {
        let field = match fields.get(m.name) {
            Some(Value::Array(each)) if m.name.is_empty() => {
                anonymous += 1;
                each.get(anonymous - 1)
            }
            Some(field) if m.name.is_empty() => {
                anonymous += 1;
                (anonymous == 1).then_some(field)
            }
            field => field,
        };
        if let Some(field) = field {
            given.push((m, field));
        }
    }
    given
}

/// A JSON number, decimal string or "0x.." string as raw bits of a `bits`-wide integer, range-checked. Hex is the
/// raw bit pattern, as the formatter prints bitfields and 128-bit integers (a 4-bit signed bitfield holding -3 is
/// "0xd"), so anything `formatted` shows encodes back; numbers and decimal strings are values.
fn integer(v: &Value, signed: bool, bits: u32, path: &str) -> Result<u128> {
    let bits = bits.clamp(1, 128);
    let value: Result<Number> = match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Ok(Number::Signed(i.into())),
            (None, Some(u)) => Ok(Number::Unsigned(u.into())),
            _ => err(format!("{}{n} is not an integer", at(path))),
        },
        Value::String(s) => match s.strip_prefix("0x") {
            Some(h) => {
                let raw = u128::from_str_radix(h, 16)
                    .map_err(|_| super::Error(format!("{}'{s}' is not hexadecimal", at(path))))?;
                if raw & !mask(bits) != 0 {
                    return err(format!("{}{s} does not fit in {bits} bits", at(path)));
                }
                return Ok(raw);
            }
            None => match (s.parse::<i128>(), s.parse::<u128>()) {
                (Ok(i), _) => Ok(Number::Signed(i)),
                (_, Ok(u)) => Ok(Number::Unsigned(u)),
                _ => err(format!("{}'{s}' is not an integer", at(path))),
            },
        },
        other => err(format!("{}expected an integer, got {other}", at(path))),
    };
    let value = value?;
    let fits = match (value, signed) {
        (Number::Signed(i), true) => bits == 128 || (i >> (bits - 1) == 0 || i >> (bits - 1) == -1),
        (Number::Signed(i), false) => i >= 0 && (i as u128) & !mask(bits) == 0,
        (Number::Unsigned(u), true) => u <= mask(bits - 1),
        (Number::Unsigned(u), false) => u & !mask(bits) == 0,
    };
    if !fits {
        return err(format!(
            "{}{value} is out of range for a {}{bits}-bit integer",
            at(path),
            if signed { "signed " } else { "" }
        ));
    }
    Ok(match value {
        Number::Signed(i) => i as u128 & mask(bits),
        Number::Unsigned(u) => u,
    })
}

/// An integer as typed: negative values only come as `Signed`; `Unsigned` holds what i128 cannot.
#[derive(Clone, Copy)]
enum Number {
    Signed(i128),
    Unsigned(u128),
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Signed(i) => i.fmt(f),
            Number::Unsigned(u) => u.fmt(f),
        }
    }
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
