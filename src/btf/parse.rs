//! Reading and validating a BTF blob: header, string section, and the type index. After this, every type's tail,
//! every name offset and every referenced type id is known to be in range.

use std::sync::OnceLock;

use super::types::Kind;
use super::{err, Btf, Header, Result, TypeRec, BTF_MAGIC};

const HEADER_LEN: usize = 24;

fn read_u32(data: &[u8], off: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = data.get(off..off.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

/// Reads the magic and tells the byte order, or None when these are not BTF bytes.
pub(crate) fn detect_endianness(data: &[u8]) -> Option<bool> {
    match data.get(..2)? {
        [0x9f, 0xeb] => Some(false),
        [0xeb, 0x9f] => Some(true),
        _ => None,
    }
}

pub(crate) fn read_header(data: &[u8]) -> Result<(Header, bool)> {
    let Some(big_endian) = detect_endianness(data) else {
        return err(format!("bad BTF magic (expected 0x{BTF_MAGIC:x})"));
    };
    if data.len() < HEADER_LEN {
        return err(format!(
            "BTF header truncated ({} of {HEADER_LEN} bytes)",
            data.len()
        ));
    }
    let word = |off| read_u32(data, off, big_endian).unwrap_or(0);
    let hdr = Header {
        version: data[2],
        flags: data[3],
        hdr_len: word(4),
        type_off: word(8),
        type_len: word(12),
        str_off: word(16),
        str_len: word(20),
    };
    if hdr.version != 1 {
        return err(format!("unsupported BTF version {}", hdr.version));
    }
    if (hdr.hdr_len as usize) < HEADER_LEN || hdr.hdr_len as usize > data.len() {
        return err(format!("bad BTF header length {}", hdr.hdr_len));
    }
    Ok((hdr, big_endian))
}

/// Absolute range of a header-relative section, checked against the blob.
fn section_range(
    data: &[u8],
    hdr: &Header,
    off: u32,
    len: u32,
    what: &str,
) -> Result<(usize, usize)> {
    let start = hdr.hdr_len as u64 + off as u64;
    let end = start + len as u64;
    if end > data.len() as u64 {
        return err(format!(
            "BTF {what} section ({start}..{end}) runs past the end of the data ({} bytes)",
            data.len()
        ));
    }
    Ok((start as usize, end as usize))
}

/// Parses `data` in place: the blob becomes the Btf's own bytes, so a 5 MB vmlinux BTF read from a file is not
/// copied again.
pub(crate) fn parse(data: Vec<u8>, base: Option<Box<Btf>>) -> Result<Btf> {
    let (hdr, big_endian) = read_header(&data)?;
    if hdr.type_off % 4 != 0 {
        return err(format!(
            "BTF type section offset {} is not 4-byte aligned",
            hdr.type_off
        ));
    }
    let (type_start, type_end) = section_range(&data, &hdr, hdr.type_off, hdr.type_len, "type")?;
    let (str_start, str_end) = section_range(&data, &hdr, hdr.str_off, hdr.str_len, "string")?;
    if type_start < str_end && str_start < type_end {
        return err("BTF type and string sections overlap");
    }
    let strings = &data[str_start..str_end];
    if base.is_none() && strings.first() != Some(&0) {
        return err("BTF string section does not start with an empty string");
    }
    if strings.last().is_some_and(|b| *b != 0) {
        return err("BTF string section is not NUL-terminated");
    }
    let (start_id, str_base) = match &base {
        Some(b) => (b.type_count(), b.str_base + b.str_len as u32),
        None => (1, 0),
    };
    let types = index_types(&data, type_start, type_end, big_endian, start_id)?;
    let strings_utf8 = std::str::from_utf8(&data[str_start..str_end]).is_ok();
    let btf = Btf {
        data,
        big_endian,
        types,
        start_id,
        str_start,
        str_len: str_end - str_start,
        str_base,
        strings_utf8,
        base,
        hdr,
        ptr_size: OnceLock::new(),
    };
    validate(&btf)?;
    Ok(btf)
}

/// Walks the type section once, recording where each type's tail starts. Memory is bounded by the section size:
/// every type takes at least 12 bytes of it, and a vlen is only trusted once its tail is known to fit.
fn index_types(
    data: &[u8],
    start: usize,
    end: usize,
    be: bool,
    start_id: u32,
) -> Result<Vec<TypeRec>> {
    let mut types = Vec::with_capacity((end - start) / 12);
    let mut pos = start;
    while pos < end {
        let id = start_id as usize + types.len();
        if end - pos < 12 {
            return err(format!(
                "BTF type [{id}] truncated ({} bytes left)",
                end - pos
            ));
        }
        let word = |i: usize| read_u32(data, pos + 4 * i, be).unwrap_or(0);
        let (name_off, info, size_or_type) = (word(0), word(1), word(2));
        let raw_kind = (info >> 24) & 0x1f;
        let Some(kind) = Kind::from_raw(raw_kind) else {
            return err(format!("BTF type [{id}] has unknown kind {raw_kind}"));
        };
        let tail = kind.tail_len(info & 0xffff);
        if end - pos - 12 < tail {
            return err(format!(
                "BTF type [{id}] {} vlen {} needs {tail} bytes, only {} left in the type section",
                kind.name(),
                info & 0xffff,
                end - pos - 12
            ));
        }
        types.push(TypeRec {
            name_off,
            info,
            size_or_type,
            tail: (pos + 12) as u32,
        });
        pos += 12 + tail;
    }
    if types.len() as u64 + start_id as u64 > u32::MAX as u64 {
        return err("too many BTF types");
    }
    Ok(types)
}

/// Checks what every later reader relies on: names in the string section, referenced ids that exist, sane INTs.
fn validate(btf: &Btf) -> Result<()> {
    let count = btf.type_count();
    // Checked one by one, each name was a scan to its NUL and a UTF-8 check: most of a `prog show` whose program
    // has a large BTF. When the whole section is UTF-8 (and it ends with a NUL), a name is UTF-8 exactly when it
    // starts on a character boundary, not on a continuation byte.
    let strings = &btf.data[btf.str_start..btf.str_start + btf.str_len];
    let names_a_str = |off: u32| match off.checked_sub(btf.str_base) {
        Some(rel) if btf.strings_utf8 => strings
            .get(rel as usize)
            .is_some_and(|&b| super::starts_a_char(b)),
        _ => btf.try_str_at(off).is_some(),
    };
    let check_name = |id: u32, off: u32, what: &str| -> Result<()> {
        if !names_a_str(off) {
            return err(format!("BTF type [{id}] {what} name offset {off} is outside the string section or not UTF-8"));
        }
        Ok(())
    };
    for id in btf.own_ids() {
        let t = btf.get(id)?;
        check_name(id, t.name_off(), "type")?;
        let mut bad = None;
        t.for_each_ref(|r| {
            if r >= count && bad.is_none() {
                bad = Some(r);
            }
        });
        if let Some(r) = bad {
            return err(format!(
                "BTF type [{id}] {} refers to type {r}, beyond the last type {}",
                t.kind().name(),
                count - 1
            ));
        }
        let part = match t.kind() {
            Kind::Struct | Kind::Union => "member",
            Kind::Enum | Kind::Enum64 => "enumerator",
            _ => "parameter",
        };
        for off in t.part_name_offs() {
            check_name(id, off, part)?;
        }
        if t.kind() == Kind::Int {
            let i = t.int_info();
            if !matches!(t.size(), 1 | 2 | 4 | 8 | 16)
                || i.bits > 128
                || i.offset + i.bits > t.size() * 8
            {
                return err(format!(
                    "BTF type [{id}] INT has size {} with {} bits at offset {}",
                    t.size(),
                    i.bits,
                    i.offset
                ));
            }
        }
    }
    Ok(())
}
