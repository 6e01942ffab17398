//! BTF as a library: parse and validate a blob, look types up, resolve sizes and layouts, format values as JSON,
//! dump types as bpftool prints them (raw) or as a C header. No CLI knowledge: callers get data or an [`Error`].
//!
//! Type data stays in the original bytes and is decoded on access, so a 5 MB vmlinux BTF costs its bytes plus a
//! 16-byte index entry per type. Every offset is checked once at parse time; every walk over the type graph is
//! bounded by a depth limit, so hostile input (type loops, huge vlen, bad offsets) yields an error, never a hang.

// This is a library API: map formatting, compat and the fuzz targets use parts the binary does not (yet).
#![allow(dead_code, unused_imports)]

mod blob;
mod c;
mod encode;
mod json_out;
mod json_plan;
mod parse;
mod raw;
mod resolve;
mod signature;
mod subset;
mod types;
mod value;

pub use blob::Blob;
pub use c::{dump_c, dump_c_header, DeclWriter};
pub use json_out::Flavor;
pub use json_plan::JsonPlan;
pub use subset::Subset;
pub use types::{Array, EnumValue, IntInfo, Kind, Member, Param, Type, VarSecInfo};

use std::fmt;
use std::sync::OnceLock;

/// BTF's magic number, as the first two bytes of a raw blob and of .BTF / .BTF.ext sections.
pub const BTF_MAGIC: u16 = 0xeb9f;

/// Longest chain of references followed before a type graph is declared looping (libbpf uses 32 for sizes; C
/// emission of real kernels nests about 10 deep).
pub(crate) const MAX_DEPTH: usize = 256;

/// A BTF problem: what is wrong, in one line (the caller adds the file name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error(msg.into()))
}

/// Where a type's fixed 12-byte header and its kind-specific tail live.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeRec {
    pub name_off: u32,
    pub info: u32,
    pub size_or_type: u32,
    /// Absolute offset in `Btf::data` of the bytes following the 12-byte header.
    pub tail: u32,
}

/// A parsed, validated BTF blob; for split BTF (kernel modules) also its base.
pub struct Btf {
    data: Vec<u8>,
    big_endian: bool,
    /// Types of this blob; `types[0]` has id `start_id`.
    types: Vec<TypeRec>,
    start_id: u32,
    /// Absolute range of the string section in `data`.
    str_start: usize,
    str_len: usize,
    /// String offsets below this belong to the base (split BTF numbers strings after the base's).
    str_base: u32,
    /// The whole string section is UTF-8: a name starting on a character boundary then needs no check of its own.
    strings_utf8: bool,
    base: Option<Box<Btf>>,
    hdr: Header,
    ptr_size: OnceLock<u32>,
}

/// The BTF header fields, as read.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Header {
    pub version: u8,
    pub flags: u8,
    pub hdr_len: u32,
    pub type_off: u32,
    pub type_len: u32,
    pub str_off: u32,
    pub str_len: u32,
}

/// Whether a byte of UTF-8 text starts a character (is not a continuation byte): a name at such an offset of a
/// string section that is UTF-8 as a whole is UTF-8 up to its NUL.
pub(crate) fn starts_a_char(byte: u8) -> bool {
    !(0x80..0xc0).contains(&byte)
}

/// The index of the first NUL in `bytes`, eight bytes at a time: names are looked up millions of times by
/// `format c` on vmlinux, and a byte-by-byte scan was a tenth of it.
fn nul_at(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for (i, chunk) in chunks.by_ref().enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([1; 8]));
        // Bytes below the first zero byte never set their high bit here, so the lowest set bit is the first NUL.
        let zeros = word.wrapping_sub(ONES) & !word & HIGHS;
        if zeros != 0 {
            return Some(i * 8 + (zeros.trailing_zeros() / 8) as usize);
        }
    }
    let tail = chunks.remainder();
    let done = bytes.len() - tail.len();
    tail.iter().position(|&b| b == 0).map(|p| done + p)
}

impl Btf {
    /// Parses a raw BTF blob (a /sys/kernel/btf file or the contents of a .BTF section).
    pub fn parse(data: &[u8]) -> Result<Btf> {
        parse::parse(data.to_vec(), None)
    }

    /// Like `parse`, keeping `data` as the Btf's bytes instead of a copy of them.
    pub fn parse_owned(data: Vec<u8>) -> Result<Btf> {
        parse::parse(data, None)
    }

    /// Parses split BTF whose type ids and string offsets continue those of `base`.
    pub fn parse_split(data: &[u8], base: Btf) -> Result<Btf> {
        parse::parse(data.to_vec(), Some(Box::new(base)))
    }

    /// One past the last type id (void, id 0, counts): bpftool's and libbpf's `btf__type_cnt`.
    pub fn type_count(&self) -> u32 {
        self.start_id + self.types.len() as u32
    }

    /// The first id this blob defines: 1, or the base's type count for split BTF.
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    pub fn base(&self) -> Option<&Btf> {
        self.base.as_deref()
    }

    pub fn header(&self) -> Header {
        self.hdr
    }

    /// The blob as parsed (header, types, strings; for split BTF without its base), for handing to libbpf.
    pub fn raw_data(&self) -> &[u8] {
        &self.data
    }

    pub fn big_endian(&self) -> bool {
        self.big_endian
    }

    /// Bytes of type and string data, base included: the yardstick for work limits on hostile input.
    pub(crate) fn total_bytes(&self) -> usize {
        let h = self.hdr;
        h.type_len as usize + h.str_len as usize + self.base.as_ref().map_or(0, |b| b.total_bytes())
    }

    /// Bytes of this blob's string section.
    pub fn strings_size(&self) -> usize {
        self.str_len
    }

    /// The type with this id, or None for void (0) and ids beyond the last.
    pub fn type_by_id(&self, id: u32) -> Option<Type<'_>> {
        if id >= self.start_id {
            let rec = *self.types.get((id - self.start_id) as usize)?;
            Some(Type::new(self, id, rec))
        } else {
            self.base.as_ref()?.type_by_id(id)
        }
    }

    /// Like `type_by_id`, but an error naming the id when it does not exist.
    pub fn get(&self, id: u32) -> Result<Type<'_>> {
        self.type_by_id(id).ok_or_else(|| {
            Error(format!(
                "type id {id} does not exist (last is {})",
                self.type_count().saturating_sub(1)
            ))
        })
    }

    /// All ids this blob defines (not the base's), in order.
    pub fn own_ids(&self) -> std::ops::Range<u32> {
        self.start_id..self.type_count()
    }

    /// The string at `off` ("" for 0, "(invalid)" for offsets that were not validated, e.g. in .BTF.ext).
    pub fn str_at(&self, off: u32) -> &str {
        self.try_str_at(off).unwrap_or("(invalid)")
    }

    pub fn try_str_at(&self, off: u32) -> Option<&str> {
        if off < self.str_base {
            return self.base.as_ref()?.try_str_at(off);
        }
        let rel = (off - self.str_base) as usize;
        if rel >= self.str_len {
            return None;
        }
        let bytes = &self.data[self.str_start + rel..self.str_start + self.str_len];
        let end = nul_at(bytes)?;
        let name = &bytes[..end];
        // Checking every name again was a fifth of `btf dump ... format c`, which looks names up many times.
        if self.strings_utf8 && starts_a_char(bytes[0]) {
            // SAFETY: the whole section is UTF-8 (checked at parse), `name` starts on a character boundary (not a
            // continuation byte) and ends before a NUL, which is one: a slice between two boundaries of UTF-8 is UTF-8.
            return Some(unsafe { std::str::from_utf8_unchecked(name) });
        }
        std::str::from_utf8(name).ok()
    }

    /// Ids of every type, base included, named `name` with kind `kind`.
    pub fn find_by_name(&self, name: &str, kind: Kind) -> Option<u32> {
        (1..self.type_count()).find(|&id| {
            self.type_by_id(id)
                .is_some_and(|t| t.kind() == kind && t.name() == name)
        })
    }

    /// Counts of types per kind for this blob (not its base), in kind order.
    pub fn kind_counts(&self) -> Vec<(Kind, usize)> {
        let mut counts = [0usize; types::KIND_COUNT];
        for rec in &self.types {
            counts[types::kind_index(rec.info)] += 1;
        }
        Kind::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (*k, n))
            .collect()
    }

    /// Size of a pointer in the program that produced this BTF: the size of `long`, as libbpf guesses it.
    pub fn ptr_size(&self) -> u32 {
        *self.ptr_size.get_or_init(|| {
            (1..self.type_count())
                .filter_map(|id| self.type_by_id(id))
                .find(|t| {
                    t.kind() == Kind::Int
                        && matches!(
                            t.name(),
                            "long" | "long int" | "unsigned long" | "long unsigned int"
                        )
                })
                .map(|t| t.size())
                .filter(|s| *s == 4 || *s == 8)
                .unwrap_or(8)
        })
    }

    pub(crate) fn u32_at(&self, off: usize) -> u32 {
        let b: [u8; 4] = self.data[off..off + 4]
            .try_into()
            .expect("offset validated at parse time");
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
}

/// Whether `data` starts with BTF's magic (either byte order).
pub fn is_raw_btf(data: &[u8]) -> bool {
    parse::detect_endianness(data).is_some()
}

/// Whether `data` can only be split BTF: its string section does not open with the empty string every standalone
/// BTF starts with (libbpf and the kernel require it of a base), as split BTF written by pahole/libbpf does not.
pub fn is_split_only(data: &[u8]) -> bool {
    let Ok((hdr, _)) = parse::read_header(data) else {
        return false;
    };
    let start = (hdr.hdr_len as usize).saturating_add(hdr.str_off as usize);
    hdr.str_len == 0 || data.get(start).is_some_and(|b| *b != 0)
}

#[cfg(test)]
mod nul_tests {
    /// Every position of the first NUL in every length around the eight-byte steps, with bytes that have the
    /// high bit set (the ones a word-at-a-time zero test could mistake) and a second NUL after the first.
    #[test]
    fn nul_at_finds_the_first_nul_anywhere() {
        for len in 0..40 {
            for at in 0..len {
                let mut bytes: Vec<u8> = (0..len).map(|i| 0x80 | i as u8).collect();
                bytes[at] = 0;
                if at + 3 < len {
                    bytes[at + 3] = 0;
                }
                assert_eq!(super::nul_at(&bytes), Some(at), "len {len} at {at}");
            }
            assert_eq!(super::nul_at(&vec![0x01; len]), None);
            assert_eq!(super::nul_at(&vec![0xff; len]), None);
        }
    }
}
