//! Typed values as JSON, following bpftool's btf_dumper: structs and datasecs become objects, ints numbers
//! (bool true/false, CHAR-encoded ints one-character strings), char arrays holding a NUL-terminated printable
//! string become strings, other arrays arrays, enums the enumerator's name (its number when none matches),
//! pointers numbers. Ints wider than 64 bits become hex strings. Data shorter than the type yields `null` for
//! the missing part rather than a panic.

use serde_json::{Map, Number, Value};

use super::{Btf, Kind, Type, INT_BOOL, INT_CHAR, INT_SIGNED};

/// Deepest nesting followed; deeper values print as null (malformed or adversarial BTF).
const MAX_DEPTH: usize = 32;

/// The JSON form of the value of type `type_id` stored at the start of `data`.
pub fn to_json(btf: &Btf, type_id: u32, data: &[u8]) -> Value {
    dump(btf, type_id, data, 0)
}

fn dump(btf: &Btf, type_id: u32, data: &[u8], depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some((_, t)) = btf.resolve(type_id) else {
        return Value::Null;
    };
    match t.kind {
        Kind::Int => int(t, data, 0),
        Kind::Ptr => read_uint(data, 8).map_or(Value::Null, |v| Value::Number(v.into())),
        Kind::Enum | Kind::Enum64 => enumerator(btf, t, data),
        Kind::Float => float(t, data),
        Kind::Array => array(btf, t, data, depth),
        Kind::Struct | Kind::Union => composite(btf, t, data, depth),
        Kind::Var => dump(btf, t.size_or_type, data, depth + 1),
        Kind::Datasec => datasec(btf, t, data, depth),
        _ => Value::Null,
    }
}

fn read_uint(data: &[u8], size: usize) -> Option<u64> {
    let bytes = data.get(..size)?;
    let mut buf = [0u8; 8];
    buf[..size].copy_from_slice(bytes);
    Some(u64::from_le_bytes(buf))
}

fn sign_extend(value: u64, bits: u32) -> i64 {
    if bits == 0 || bits >= 64 {
        return value as i64;
    }
    let shift = 64 - bits;
    ((value << shift) as i64) >> shift
}

/// An INT, possibly a bitfield starting `extra_bit_offset` bits into `data` (struct members add theirs).
fn int(t: &Type, data: &[u8], extra_bit_offset: u32) -> Value {
    let Some(enc) = t.int else {
        return Value::Null;
    };
    let size = t.size_or_type as usize;
    let bits = enc.bits as u32;
    let bit_offset = enc.offset as u32 + extra_bit_offset;
    if size > 8 || bits > 64 {
        // __int128 and friends: bpftool prints these as a hex string.
        let Some(bytes) = data.get(..size) else {
            return Value::Null;
        };
        let hex: String = bytes.iter().rev().map(|b| format!("{b:02x}")).collect();
        let trimmed = hex.trim_start_matches('0');
        return Value::String(format!(
            "0x{}",
            if trimmed.is_empty() { "0" } else { trimmed }
        ));
    }
    let span = ((bit_offset + bits).div_ceil(8)) as usize;
    let Some(raw) = read_uint(data, span.clamp(size.max(1), 8)) else {
        return Value::Null;
    };
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let value = (raw >> bit_offset) & mask;
    if enc.encoding & INT_BOOL != 0 {
        return Value::Bool(value != 0);
    }
    if enc.encoding & INT_CHAR != 0 {
        let c = value as u8;
        return if c.is_ascii_graphic() || c == b' ' {
            Value::String((c as char).to_string())
        } else {
            Value::String(format!("\\u00{c:02x}"))
        };
    }
    if enc.encoding & INT_SIGNED != 0 {
        Value::Number(sign_extend(value, bits).into())
    } else {
        Value::Number(value.into())
    }
}

fn float(t: &Type, data: &[u8]) -> Value {
    let number = match t.size_or_type {
        4 => read_uint(data, 4).map(|v| f32::from_bits(v as u32) as f64),
        8 => read_uint(data, 8).map(f64::from_bits),
        _ => None,
    };
    number
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn enumerator(btf: &Btf, t: &Type, data: &[u8]) -> Value {
    let size = (t.size_or_type as usize).clamp(1, 8);
    let Some(raw) = read_uint(data, size) else {
        return Value::Null;
    };
    let signed = t.kind_flag;
    let value = if signed {
        sign_extend(raw, (size * 8) as u32) as u64
    } else {
        raw
    };
    let width_mask = if size >= 8 {
        u64::MAX
    } else {
        (1u64 << (size * 8)) - 1
    };
    match t.members.iter().find(|m| m.offset & width_mask == raw) {
        Some(m) => Value::String(btf.name_at(m.name_off).to_string()),
        None if signed => Value::Number((value as i64).into()),
        None => Value::Number(value.into()),
    }
}

/// bpftool prints a char array as a string when it holds printable characters up to a NUL and only NULs after.
fn as_c_string(btf: &Btf, elem_type: u32, bytes: &[u8]) -> Option<String> {
    let (_, elem) = btf.resolve(elem_type)?;
    let is_char = elem.kind == Kind::Int
        && elem.size_or_type == 1
        && (elem.int.is_some_and(|e| e.encoding & INT_CHAR != 0)
            || btf.name_at(elem.name_off) == "char");
    if !is_char {
        return None;
    }
    let end = bytes.iter().position(|&b| b == 0)?;
    let printable = bytes[..end]
        .iter()
        .all(|&b| b.is_ascii_graphic() || b == b' ');
    let zero_tail = bytes[end..].iter().all(|&b| b == 0);
    (printable && zero_tail).then(|| String::from_utf8_lossy(&bytes[..end]).into_owned())
}

fn array(btf: &Btf, t: &Type, data: &[u8], depth: usize) -> Value {
    let Some(a) = t.array else {
        return Value::Null;
    };
    let Some(elem_size) = btf.size_of(a.elem_type) else {
        return Value::Null;
    };
    let total = elem_size * a.nelems as usize;
    if let Some(bytes) = data.get(..total) {
        if let Some(s) = as_c_string(btf, a.elem_type, bytes) {
            return Value::String(s);
        }
    }
    let items = (0..a.nelems as usize)
        .map(|i| match data.get(i * elem_size..) {
            Some(rest) => dump(btf, a.elem_type, rest, depth + 1),
            None => Value::Null,
        })
        .collect();
    Value::Array(items)
}

fn composite(btf: &Btf, t: &Type, data: &[u8], depth: usize) -> Value {
    let mut object = Map::new();
    for m in &t.members {
        // With the kind flag set, the top 8 bits of the offset are the bitfield size (0 = not a bitfield).
        let (bit_offset, bitfield_size) = if t.kind_flag {
            ((m.offset & 0xff_ffff) as usize, (m.offset >> 24) as u32)
        } else {
            (m.offset as usize, 0)
        };
        let byte_offset = bit_offset / 8;
        let rest = data.get(byte_offset..).unwrap_or(&[]);
        let value = match btf.resolve(m.type_id) {
            Some((_, mt)) if mt.kind == Kind::Int && (bitfield_size > 0 || bit_offset % 8 != 0) => {
                let mut narrowed = mt.clone();
                if let Some(enc) = narrowed.int.as_mut() {
                    if bitfield_size > 0 {
                        enc.bits = bitfield_size as u8;
                    }
                }
                int(&narrowed, rest, (bit_offset % 8) as u32)
            }
            _ => dump(btf, m.type_id, rest, depth + 1),
        };
        object.insert(btf.name_at(m.name_off).to_string(), value);
    }
    Value::Object(object)
}

fn datasec(btf: &Btf, t: &Type, data: &[u8], depth: usize) -> Value {
    let mut object = Map::new();
    for var in &t.members {
        let start = var.offset as usize;
        let rest = data.get(start..start + var.size as usize).unwrap_or(&[]);
        object.insert(
            btf.name_of(var.type_id).to_string(),
            dump(btf, var.type_id, rest, depth + 1),
        );
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{blob, info};
    use super::*;
    use serde_json::json;

    /// 1: char (signed, 8 bits); 2: const -> 1; 3: array of 2 x 8; 4: int; 5: struct { int a; char s[8]; }
    /// 6: enum { ONE = 1, TWO = 2 } (4 bytes); 7: _Bool
    fn sample() -> Btf {
        let words = [
            1,
            info(1, 0),
            1,
            (INT_SIGNED as u32) << 24 | 8,
            0,
            info(10, 0),
            1,
            0,
            info(3, 0),
            0,
            2,
            4,
            8,
            6,
            info(1, 0),
            4,
            (INT_SIGNED as u32) << 24 | 32,
            10,
            info(4, 2),
            12,
            15,
            4,
            0,
            17,
            3,
            32,
            19,
            info(6, 2),
            4,
            23,
            1,
            27,
            2,
            31,
            info(1, 0),
            1,
            (INT_BOOL as u32) << 24 | 8,
        ];
        Btf::parse(&blob(
            &words,
            b"\0char\0int\0pair\0a\0s\0col\0ONE\0TWO\0bool\0",
        ))
        .unwrap()
    }

    #[test]
    fn strings_structs_enums_and_bools() {
        let btf = sample();
        let mut data = vec![0u8; 12];
        data[..4].copy_from_slice(&(-7i32).to_le_bytes());
        data[4..9].copy_from_slice(b"hello");
        assert_eq!(to_json(&btf, 5, &data), json!({"a": -7, "s": "hello"}));
        assert_eq!(to_json(&btf, 6, &2u32.to_le_bytes()), json!("TWO"));
        assert_eq!(to_json(&btf, 6, &9u32.to_le_bytes()), json!(9));
        assert_eq!(to_json(&btf, 7, &[1]), json!(true));
    }

    #[test]
    fn non_strings_stay_arrays_and_short_data_is_null() {
        let btf = sample();
        let bytes = [b'a', 0, b'b', 0, 0, 0, 0, 0];
        assert_eq!(to_json(&btf, 3, &bytes), json!([97, 0, 98, 0, 0, 0, 0, 0]));
        assert_eq!(to_json(&btf, 4, &[1, 2]), Value::Null);
    }
}
