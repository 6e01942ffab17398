//! BPF object files as a library: sections, symbols and relocations (read with the `object` crate), programs per
//! libbpf's SEC() conventions, map definitions (.maps BTF, legacy `maps`, global data), global variables, externs
//! and .BTF.ext (func/line info, CO-RE relocations). No CLI knowledge; nothing is loaded into a kernel.

// A library API: the fuzz targets and later commands use parts the binary does not (yet).
#![allow(dead_code, unused_imports)]

mod btf_ext;
mod data;
pub mod helpers;
mod maps;
mod programs;
pub mod sec_defs;

use std::collections::HashMap;

use object::elf;
use object::read::elf::{ElfFile, FileHeader, SectionHeader, Sym as _};
use object::{Endianness, Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget};
use serde::Serialize;

use crate::btf::Btf;

pub use btf_ext::{BtfExtSummary, CoreRelo};
pub use data::{Extern, GlobalVar};
pub use maps::MapDef;
pub use programs::{InsnRef, Program};

/// What is wrong with an object file, in one line (the caller adds the file name).
#[derive(Debug, Clone)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Elf,
    RawBtf,
    Unknown,
}

pub fn detect(data: &[u8]) -> FileKind {
    if data.starts_with(b"\x7fELF") {
        FileKind::Elf
    } else if crate::btf::is_raw_btf(data) {
        FileKind::RawBtf
    } else {
        FileKind::Unknown
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub index: usize,
    pub name: String,
    /// ELF section type without the SHT_ prefix, lower case: progbits, nobits, symtab, rel, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// readelf's flag letters: W (write), A (alloc), X (exec), M (merge), S (strings).
    pub flags: String,
    pub size: u64,
}

/// Everything `inspect` reports about an ELF file.
#[derive(Serialize)]
pub struct ObjectFile {
    pub machine: String,
    pub endianness: &'static str,
    pub class: u8,
    pub elf_type: &'static str,
    pub sections: Vec<Section>,
    pub license: Option<String>,
    pub programs: Vec<Program>,
    pub subprograms: Vec<Program>,
    pub maps: Vec<MapDef>,
    pub globals: Vec<GlobalVar>,
    pub externs: Vec<Extern>,
    pub btf_ext: Option<BtfExtSummary>,
    /// Things that are wrong but did not stop the inspection (bad BTF, a static program libbpf would reject).
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub btf: Option<Btf>,
    /// The initial bytes of every read-only data section (.rodata, .rodata.*), which libbpf freezes: what a
    /// program reads there is a constant to the verifier.
    #[serde(skip)]
    pub rodata: Vec<(String, Vec<u8>)>,
}

/// One ELF symbol, reduced to what the inspector needs.
#[derive(Debug, Clone)]
pub(crate) struct Sym {
    pub name: String,
    pub section: Option<usize>,
    pub value: u64,
    pub size: u64,
    pub st_type: u8,
    pub st_bind: u8,
    pub st_visibility: u8,
    pub undefined: bool,
}

/// A relocation: offset in its target section, symbol index, ELF type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reloc {
    pub offset: u64,
    pub sym: usize,
}

/// The raw ELF facts every part of the inspection works from.
pub(crate) struct Elf<'d> {
    pub big_endian: bool,
    pub sections: Vec<Section>,
    pub section_data: Vec<&'d [u8]>,
    pub symbols: Vec<Option<Sym>>,
    /// Relocations per target section index, sorted by offset.
    pub relocs: HashMap<usize, Vec<Reloc>>,
    pub obj_name: String,
}

impl Elf<'_> {
    pub fn section_named(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.name == name)
    }

    pub fn reloc_at(&self, section: usize, offset: u64) -> Option<&Sym> {
        let relocs = self.relocs.get(&section)?;
        let i = relocs.binary_search_by_key(&offset, |r| r.offset).ok()?;
        self.symbols.get(relocs[i].sym)?.as_ref()
    }
}

/// The bytes of one named section, without the rest of the inspection (for `btf dump file vmlinux.elf`).
pub fn section_data<'d>(data: &'d [u8], name: &str) -> Result<Option<&'d [u8]>, Error> {
    let file = object::File::parse(data).map_err(|e| Error(format!("bad ELF file: {e}")))?;
    Ok(file.section_by_name(name).and_then(|s| s.data().ok()))
}

/// The instruction at byte `off` of section `name` and the next one, in host byte order (zero where absent).
fn insns_at(raw: &Elf, name: &str, off: u64) -> [u64; 2] {
    let data = raw
        .section_named(name)
        .map_or(&[][..], |i| raw.section_data[i]);
    let slot = |k: u64| {
        let start = usize::try_from(off + 8 * k).unwrap_or(usize::MAX);
        data.get(start..start.saturating_add(8))
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    };
    [slot(0), slot(1)]
}

/// Parses an ELF file. `file_name` gives libbpf's object name, which prefixes global-data map names.
pub fn parse(data: &[u8], file_name: &str) -> Result<ObjectFile, Error> {
    let magic = &data[..data.len().min(4)];
    if data.is_empty() {
        return Err(Error("empty file, not an ELF object".into()));
    }
    if magic != &elf::ELFMAG[..magic.len()] {
        return Err(Error("not an ELF file (bad magic)".into()));
    }
    let ident = data
        .get(..6)
        .ok_or_else(|| Error("ELF header truncated".into()))?;
    match ident[4] {
        elf::ELFCLASS64 => parse_class::<elf::FileHeader64<Endianness>>(data, file_name, 64),
        elf::ELFCLASS32 => parse_class::<elf::FileHeader32<Endianness>>(data, file_name, 32),
        c => Err(Error(format!("unknown ELF class {c}"))),
    }
}

fn elf_type_name(e_type: u16) -> &'static str {
    match e_type {
        elf::ET_REL => "relocatable",
        elf::ET_EXEC => "executable",
        elf::ET_DYN => "shared",
        elf::ET_CORE => "core",
        _ => "unknown",
    }
}

fn parse_class<H: FileHeader<Endian = Endianness>>(
    data: &[u8],
    file_name: &str,
    class: u8,
) -> Result<ObjectFile, Error> {
    let file = ElfFile::<H>::parse(data).map_err(|e| Error(format!("bad ELF file: {e}")))?;
    let endian = file.endian();
    let header = file.elf_header();
    let machine = header.e_machine(endian);
    let elf_type = elf_type_name(header.e_type(endian));
    let raw = read_elf(&file, file_name)?;
    let mut warnings = Vec::new();
    let btf = raw
        .section_named(".BTF")
        .and_then(|i| match Btf::parse(raw.section_data[i]) {
            Ok(b) => Some(b),
            Err(e) => {
                warnings.push(format!(".BTF: {e}"));
                None
            }
        });
    let is_bpf = machine == elf::EM_BPF;
    let license = raw.section_named("license").map(|i| {
        String::from_utf8_lossy(raw.section_data[i].split(|b| *b == 0).next().unwrap_or(&[]))
            .into_owned()
    });
    let (programs, subprograms) = if is_bpf {
        programs::collect(&raw, license.as_deref(), &mut warnings)
    } else {
        (Vec::new(), Vec::new())
    };
    let btf_ext = match (raw.section_named(".BTF.ext"), &btf) {
        (Some(i), Some(b)) => match btf_ext::parse(
            raw.section_data[i],
            b,
            &programs,
            &subprograms,
            &|sec, off| insns_at(&raw, sec, off),
        ) {
            Ok(x) => Some(x),
            Err(e) => {
                warnings.push(format!(".BTF.ext: {e}"));
                None
            }
        },
        _ => None,
    };
    let externs = data::externs(&raw, btf.as_ref());
    let maps = if is_bpf {
        maps::collect(&raw, btf.as_ref(), &externs, &mut warnings)
    } else {
        Vec::new()
    };
    let globals = data::globals(&raw, btf.as_ref());
    let rodata = raw
        .sections
        .iter()
        .zip(&raw.section_data)
        .filter(|(s, _)| data::is_data_section(s) == Some("rodata"))
        .map(|(s, d)| (s.name.clone(), d.to_vec()))
        .collect();
    Ok(ObjectFile {
        machine: machine_name(machine),
        endianness: if raw.big_endian { "big" } else { "little" },
        class,
        elf_type,
        sections: raw.sections,
        license,
        programs,
        subprograms,
        maps,
        globals,
        externs,
        btf_ext,
        warnings,
        btf,
        rodata,
    })
}

fn read_elf<'d, H: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'d, H>,
    file_name: &str,
) -> Result<Elf<'d>, Error> {
    let endian = file.endian();
    let mut sections = Vec::new();
    let mut section_data = Vec::new();
    let mut relocs: HashMap<usize, Vec<Reloc>> = HashMap::new();
    for section in file.sections() {
        let hdr = section.elf_section_header();
        let sh_type = hdr.sh_type(endian);
        let index = section.index().0;
        // Section indexes are dense in `object`; pad defensively so that index == position.
        while sections.len() < index {
            sections.push(placeholder_section(sections.len()));
            section_data.push(&[][..]);
        }
        let data = if sh_type == elf::SHT_NOBITS {
            &[][..]
        } else {
            section.data().unwrap_or(&[])
        };
        sections.push(Section {
            index,
            name: section.name().unwrap_or("(invalid)").to_string(),
            kind: section_type_name(sh_type),
            flags: flag_letters(hdr.sh_flags(endian).into()),
            size: section.size(),
        });
        section_data.push(data);
        let mut list: Vec<Reloc> = section
            .relocations()
            .filter_map(|(offset, r)| match (r.target(), r.flags()) {
                (RelocationTarget::Symbol(s), RelocationFlags::Elf { .. }) => {
                    Some(Reloc { offset, sym: s.0 })
                }
                _ => None,
            })
            .collect();
        if !list.is_empty() {
            list.sort_by_key(|r| r.offset);
            relocs.insert(index, list);
        }
    }
    let mut symbols = Vec::new();
    for sym in file.symbols() {
        let idx = sym.index().0;
        while symbols.len() < idx {
            symbols.push(None);
        }
        let st = sym.elf_symbol();
        symbols.push(Some(Sym {
            name: sym.name().unwrap_or("").to_string(),
            section: sym.section_index().map(|i| i.0),
            value: sym.address(),
            size: sym.size(),
            st_type: st.st_type(),
            st_bind: st.st_bind(),
            st_visibility: st.st_visibility(),
            undefined: sym.is_undefined(),
        }));
    }
    Ok(Elf {
        big_endian: !file.is_little_endian(),
        sections,
        section_data,
        symbols,
        relocs,
        obj_name: libbpf_object_name(file_name),
    })
}

fn placeholder_section(index: usize) -> Section {
    Section {
        index,
        name: String::new(),
        kind: "null".into(),
        flags: String::new(),
        size: 0,
    }
}

/// libbpf names an object after its file: the base name up to the first '.', at most 15 bytes.
fn libbpf_object_name(file_name: &str) -> String {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let base: String = base.chars().take(15).collect();
    base.split('.').next().unwrap_or("").to_string()
}

fn section_type_name(t: u32) -> String {
    match t {
        elf::SHT_NULL => "null",
        elf::SHT_PROGBITS => "progbits",
        elf::SHT_SYMTAB => "symtab",
        elf::SHT_STRTAB => "strtab",
        elf::SHT_RELA => "rela",
        elf::SHT_HASH => "hash",
        elf::SHT_DYNAMIC => "dynamic",
        elf::SHT_NOTE => "note",
        elf::SHT_NOBITS => "nobits",
        elf::SHT_REL => "rel",
        elf::SHT_DYNSYM => "dynsym",
        0x6fff4c03 => "llvm_addrsig",
        other => return format!("0x{other:x}"),
    }
    .to_string()
}

fn flag_letters(flags: u64) -> String {
    let mut s = String::new();
    for (bit, letter) in [
        (elf::SHF_WRITE as u64, 'W'),
        (elf::SHF_ALLOC as u64, 'A'),
        (elf::SHF_EXECINSTR as u64, 'X'),
        (elf::SHF_MERGE as u64, 'M'),
        (elf::SHF_STRINGS as u64, 'S'),
    ] {
        if flags & bit != 0 {
            s.push(letter);
        }
    }
    s
}

fn machine_name(m: u16) -> String {
    match m {
        elf::EM_BPF => "bpf",
        elf::EM_X86_64 => "x86_64",
        elf::EM_386 => "i386",
        elf::EM_AARCH64 => "aarch64",
        elf::EM_ARM => "arm",
        elf::EM_RISCV => "riscv",
        elf::EM_S390 => "s390",
        elf::EM_PPC64 => "ppc64",
        elf::EM_LOONGARCH => "loongarch",
        elf::EM_NONE => "none",
        other => return format!("0x{other:x}"),
    }
    .to_string()
}

pub(crate) fn read_u32(data: &[u8], off: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = data.get(off..off.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}
