//! .BTF.ext: per-section func_info and line_info records, and CO-RE relocations with their access strings
//! ("0:1:2") spelled the way a reader thinks of them (`task_struct.real_parent.tgid`).

use serde::Serialize;

use super::programs::Program;
use crate::btf::{Btf, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct BtfExtSummary {
    pub func_info: usize,
    pub line_info: usize,
    /// `inspect` reports these at the top level (`core_relos`), so they are left out here when moved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub core_relos: Vec<CoreRelo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoreRelo {
    pub section: String,
    /// The program (or subprogram) whose instruction is relocated.
    pub program: Option<String>,
    /// Instruction index within that program.
    pub insn: u64,
    /// libbpf's relocation kind name: byte_off, byte_sz, field_exists, signed, lshift_u64, rshift_u64,
    /// local_type_id, target_type_id, type_exists, type_matches, type_size, enumval_exists, enumval_value.
    pub kind: String,
    pub type_id: u32,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The raw accessor string, as clang wrote it.
    pub access_str: String,
    /// The same access spelled out: `task_struct.tgid`, `pid_type::PIDTYPE_TGID`, `struct task_struct`.
    pub spec: String,
    #[serde(skip)]
    pub raw: RawCoreRelo,
}

/// A record as libbpf's relocation engine reads it, with the instruction it relocates.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCoreRelo {
    /// Byte offset of the instruction in its section.
    pub insn_off: u32,
    pub access_str_off: u32,
    /// `enum bpf_core_relo_kind`.
    pub kind: u32,
    /// The instruction and the one after it (an ldimm64 takes two slots), in host byte order; zero past the end.
    pub insns: [u64; 2],
}

const KIND_NAMES: &[&str] = &[
    "byte_off",
    "byte_sz",
    "field_exists",
    "signed",
    "lshift_u64",
    "rshift_u64",
    "local_type_id",
    "target_type_id",
    "type_exists",
    "type_size",
    "enumval_exists",
    "enumval_value",
    "type_matches",
];

/// One section's records: (section name offset, records).
struct InfoBlock<'d> {
    sec_name_off: u32,
    records: Vec<&'d [u8]>,
}

struct Reader<'d> {
    data: &'d [u8],
    big_endian: bool,
}

impl<'d> Reader<'d> {
    fn u32(&self, off: usize) -> Result<u32, String> {
        super::read_u32(self.data, off, self.big_endian)
            .ok_or_else(|| format!("truncated at offset {off}"))
    }

    /// Reads one info subsection: a record size, then groups of (section name, count, records).
    fn blocks(
        &self,
        off: u32,
        len: u32,
        min_rec: u32,
        what: &str,
    ) -> Result<Vec<InfoBlock<'d>>, String> {
        if len == 0 {
            return Ok(Vec::new());
        }
        let start = off as usize;
        let end = start
            .checked_add(len as usize)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| format!("{what} section runs past the end"))?;
        let rec_size = self.u32(start)?;
        if rec_size < min_rec || rec_size % 4 != 0 {
            return Err(format!("{what} record size {rec_size} is invalid"));
        }
        let mut pos = start + 4;
        let mut blocks = Vec::new();
        while pos < end {
            let sec_name_off = self.u32(pos)?;
            let count = self.u32(pos + 4)? as usize;
            pos += 8;
            let bytes = count
                .checked_mul(rec_size as usize)
                .filter(|b| pos + b <= end)
                .ok_or_else(|| {
                    format!("{what}: {count} records of {rec_size} bytes run past the section")
                })?;
            let records = self.data[pos..pos + bytes]
                .chunks_exact(rec_size as usize)
                .collect();
            blocks.push(InfoBlock {
                sec_name_off,
                records,
            });
            pos += bytes;
        }
        Ok(blocks)
    }
}

/// `insns_at(section, byte offset)` gives the two instruction slots a record relocates.
pub fn parse(
    data: &[u8],
    btf: &Btf,
    progs: &[Program],
    subs: &[Program],
    insns_at: &dyn Fn(&str, u64) -> [u64; 2],
) -> Result<BtfExtSummary, String> {
    let big_endian = match data.get(..2) {
        Some([0x9f, 0xeb]) => false,
        Some([0xeb, 0x9f]) => true,
        _ => return Err("bad magic".into()),
    };
    let r = Reader { data, big_endian };
    let hdr_len = r.u32(4)?;
    if hdr_len < 24 || hdr_len as usize > data.len() {
        return Err(format!("bad header length {hdr_len}"));
    }
    let field = |i: usize| r.u32(8 + 4 * i);
    let rel = |off: u32| {
        hdr_len
            .checked_add(off)
            .ok_or_else(|| "offset overflows".to_string())
    };
    let func = r.blocks(rel(field(0)?)?, field(1)?, 8, "func_info")?;
    let line = r.blocks(rel(field(2)?)?, field(3)?, 16, "line_info")?;
    let core = if hdr_len >= 32 {
        r.blocks(rel(field(4)?)?, field(5)?, 16, "core_relo")?
    } else {
        Vec::new()
    };
    let count = |b: &[InfoBlock]| b.iter().map(|b| b.records.len()).sum();
    let mut core_relos = Vec::new();
    for block in &core {
        let section = btf.str_at(block.sec_name_off).to_string();
        for rec in &block.records {
            let word = |i: usize| super::read_u32(rec, 4 * i, big_endian).unwrap_or(0);
            let (insn_off, type_id, access_off, kind) = (word(0) as u64, word(1), word(2), word(3));
            let access_str = btf.str_at(access_off).to_string();
            let prog = progs.iter().chain(subs).find(|p| {
                p.section == section
                    && insn_off >= p.offset
                    && insn_off - p.offset < p.insns.saturating_mul(8)
            });
            let kind_name = KIND_NAMES
                .get(kind as usize)
                .map_or_else(|| format!("kind_{kind}"), |s| s.to_string());
            core_relos.push(CoreRelo {
                section: section.clone(),
                program: prog.map(|p| p.name.clone()),
                insn: (insn_off - prog.map_or(0, |p| p.offset)) / 8,
                spec: access_spec(btf, kind, type_id, &access_str),
                kind: kind_name,
                type_id,
                type_name: btf.type_display(type_id),
                access_str,
                raw: RawCoreRelo {
                    insn_off: word(0),
                    access_str_off: access_off,
                    kind,
                    insns: insns_at(&section, insn_off),
                },
            });
        }
    }
    Ok(BtfExtSummary {
        func_info: count(&func),
        line_info: count(&line),
        core_relos,
    })
}

/// Spells out an access string: the root type's name, then `.member` / `[index]` per accessor; enumerators as
/// `enum::VALUE`; type-based relocations as the type itself.
pub fn access_spec(btf: &Btf, kind: u32, type_id: u32, access: &str) -> String {
    let Ok(indices) = access
        .split(':')
        .map(str::parse::<u32>)
        .collect::<Result<Vec<u32>, _>>()
    else {
        return access.to_string();
    };
    let root_name = btf
        .type_by_id(type_id)
        .map(|t| t.name())
        .filter(|n| !n.is_empty())
        .unwrap_or("(anon)");
    match kind {
        6..=9 | 12 => return btf.type_display(type_id),
        10 | 11 => {
            let id = btf.skip_modifiers(type_id, true).unwrap_or(type_id);
            let value = btf
                .type_by_id(id)
                .filter(|t| matches!(t.kind(), Kind::Enum | Kind::Enum64))
                .and_then(|t| t.enum_values().nth(*indices.first()? as usize))
                .map_or("?", |v| v.name);
            return format!("{root_name}::{value}");
        }
        _ => {}
    }
    let mut out = root_name.to_string();
    if let Some(&first) = indices.first() {
        if first != 0 {
            out.push_str(&format!("[{first}]"));
        }
    }
    let mut cur = type_id;
    for &idx in indices.iter().skip(1) {
        let Some(t) = btf
            .skip_modifiers(cur, true)
            .ok()
            .and_then(|id| btf.type_by_id(id))
        else {
            break;
        };
        match t.kind() {
            Kind::Struct | Kind::Union => {
                let Some(m) = t.members().nth(idx as usize) else {
                    break;
                };
                if !m.name.is_empty() {
                    out.push('.');
                    out.push_str(m.name);
                }
                cur = m.type_id;
            }
            Kind::Array => {
                out.push_str(&format!("[{idx}]"));
                cur = t.array().elem_type;
            }
            _ => break,
        }
    }
    out
}
