//! `--set NAME=VALUE`: find a global variable in the object's BTF data sections (.rodata, .data, .bss and their
//! named variants), encode VALUE by the variable's BTF type, and describe the bytes to write into that section's
//! initial image before load.

use libbpf_rs::btf::types::{Array, DataSec, Enum, Enum64, Int, IntEncoding, Var};
use libbpf_rs::btf::{Btf, BtfKind, BtfType, HasSize};

/// Bytes to place at `offset` in the data section named `section` (".rodata", ".data.cfg"...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalWrite {
    pub name: String,
    pub section: String,
    pub offset: usize,
    pub bytes: Vec<u8>,
}

/// Splits `NAME=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

/// Where `name` lives and what bytes `value` becomes there.
pub fn plan_write(btf: &Btf<'_>, name: &str, value: &str) -> Result<GlobalWrite, String> {
    for sec in btf.type_by_kind::<DataSec<'_>>() {
        let section = sec
            .name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for info in sec.iter() {
            let Some(var) = btf.type_by_id::<Var<'_>>(info.ty) else {
                continue;
            };
            if var.name().map(|n| n.to_string_lossy()) != Some(name.into()) {
                continue;
            }
            let ty = var
                .next_type()
                .ok_or_else(|| format!("variable {name} has no type"))?
                .skip_mods_and_typedefs();
            let bytes = encode(&ty, info.size, value).map_err(|why| format!("{name}: {why}"))?;
            return Ok(GlobalWrite {
                name: name.to_string(),
                section,
                offset: info.offset as usize,
                bytes,
            });
        }
    }
    Err(format!(
        "no global variable {name} in the object's .rodata, .data or .bss"
    ))
}

fn encode(ty: &BtfType<'_>, size: usize, value: &str) -> Result<Vec<u8>, String> {
    match ty.kind() {
        BtfKind::Int => {
            let int = Int::try_from(*ty).map_err(|_| "bad int type".to_string())?;
            encode_int(int.encoding, int.size(), value)
        }
        BtfKind::Enum => {
            let e = Enum::try_from(*ty).map_err(|_| "bad enum type".to_string())?;
            let named = e
                .iter()
                .find(|m| m.name.is_some_and(|n| n == value))
                .map(|m| m.value as i128);
            encode_number(named, e.is_signed(), e.size(), value)
                .map_err(|why| enum_hint(why, e.iter().filter_map(|m| m.name)))
        }
        BtfKind::Enum64 => {
            let e = Enum64::try_from(*ty).map_err(|_| "bad enum type".to_string())?;
            let named = e
                .iter()
                .find(|m| m.name.is_some_and(|n| n == value))
                .map(|m| m.value);
            encode_number(named, e.is_signed(), e.size(), value)
                .map_err(|why| enum_hint(why, e.iter().filter_map(|m| m.name)))
        }
        BtfKind::Array => {
            let array = Array::try_from(*ty).map_err(|_| "bad array type".to_string())?;
            let elem = array.contained_type().skip_mods_and_typedefs();
            let is_char = Int::try_from(elem).is_ok_and(|i| i.size() == 1);
            if !is_char {
                return Err("only char arrays (strings) can be set".to_string());
            }
            encode_string(size, value)
        }
        other => Err(format!("cannot set a variable of BTF kind {other:?}")),
    }
}

/// An enum value error names the accepted names.
fn enum_hint<'a>(why: String, names: impl Iterator<Item = &'a std::ffi::OsStr>) -> String {
    let names: Vec<String> = names.map(|n| n.to_string_lossy().into_owned()).collect();
    format!("{why}; names: {}", names.join(", "))
}

fn encode_int(encoding: IntEncoding, size: usize, value: &str) -> Result<Vec<u8>, String> {
    match encoding {
        IntEncoding::Bool => match value {
            "true" | "1" => Ok(vec![1]),
            "false" | "0" => Ok(vec![0]),
            _ => Err(format!("{value:?} is not a bool (true/false)")),
        },
        IntEncoding::Char
            if value.chars().count() == 1 && !value.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            let c = value.chars().next().expect("one char");
            u8::try_from(c)
                .map(|b| vec![b])
                .map_err(|_| format!("{value:?} is not one byte"))
        }
        IntEncoding::Signed => encode_number(None, true, size, value),
        _ => encode_number(None, false, size, value),
    }
}

/// Parses decimal, 0x-hex or negative integers and checks the value fits `size` bytes with that signedness.
fn encode_number(
    named: Option<i128>,
    signed: bool,
    size: usize,
    value: &str,
) -> Result<Vec<u8>, String> {
    let n = match named {
        Some(n) => n,
        None => parse_integer(value).ok_or_else(|| format!("{value:?} is not an integer"))?,
    };
    if size == 0 || size > 8 {
        return Err(format!("unsupported integer size {size}"));
    }
    let bits = size as u32 * 8;
    let (min, max) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if n < min || n > max {
        let sign = if signed { "a signed" } else { "an unsigned" };
        return Err(format!(
            "{value} does not fit {sign} {bits}-bit integer ({min}..={max})"
        ));
    }
    Ok(n.to_le_bytes()[..size].to_vec())
}

fn parse_integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A string into a char array: NUL-padded, with room for the terminating NUL.
fn encode_string(size: usize, value: &str) -> Result<Vec<u8>, String> {
    if value.len() >= size {
        return Err(format!(
            "string of {} bytes does not fit char[{size}] with its NUL",
            value.len()
        ));
    }
    let mut bytes = value.as_bytes().to_vec();
    bytes.resize(size, 0);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_range_checked_by_size_and_sign() {
        assert_eq!(
            encode_number(None, false, 4, "0x10").unwrap(),
            vec![16, 0, 0, 0]
        );
        assert_eq!(
            encode_number(None, true, 2, "-1").unwrap(),
            vec![0xff, 0xff]
        );
        assert!(encode_number(None, false, 1, "256").is_err());
        assert!(encode_number(None, false, 4, "-1").is_err());
        assert!(encode_number(None, true, 1, "128").is_err());
        assert!(encode_number(None, false, 4, "abc").is_err());
    }

    #[test]
    fn strings_leave_room_for_nul() {
        assert_eq!(encode_string(4, "abc").unwrap(), b"abc\0".to_vec());
        assert!(encode_string(3, "abc").is_err());
    }

    #[test]
    fn bools() {
        assert_eq!(encode_int(IntEncoding::Bool, 1, "true").unwrap(), vec![1]);
        assert!(encode_int(IntEncoding::Bool, 1, "yes").is_err());
    }
}
