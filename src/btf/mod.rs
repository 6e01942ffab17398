//! BTF as a library: parse a raw BTF blob (what the kernel hands back for a BTF id, or a `.BTF` section) into
//! types and names, and format typed values the way bpftool's JSON does (`value`). No CLI knowledge.

pub mod value;

use std::fmt;

const BTF_MAGIC: u16 = 0xeb9f;

/// The BTF kinds (uapi/linux/btf.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Void,
    Int,
    Ptr,
    Array,
    Struct,
    Union,
    Enum,
    Fwd,
    Typedef,
    Volatile,
    Const,
    Restrict,
    Func,
    FuncProto,
    Var,
    Datasec,
    Float,
    DeclTag,
    TypeTag,
    Enum64,
}

impl Kind {
    fn from_raw(raw: u32) -> Option<Kind> {
        Some(match raw {
            0 => Kind::Void,
            1 => Kind::Int,
            2 => Kind::Ptr,
            3 => Kind::Array,
            4 => Kind::Struct,
            5 => Kind::Union,
            6 => Kind::Enum,
            7 => Kind::Fwd,
            8 => Kind::Typedef,
            9 => Kind::Volatile,
            10 => Kind::Const,
            11 => Kind::Restrict,
            12 => Kind::Func,
            13 => Kind::FuncProto,
            14 => Kind::Var,
            15 => Kind::Datasec,
            16 => Kind::Float,
            17 => Kind::DeclTag,
            18 => Kind::TypeTag,
            19 => Kind::Enum64,
            _ => return None,
        })
    }

    /// Kinds that only qualify another type and are looked through when resolving a value's shape.
    pub fn is_modifier(self) -> bool {
        matches!(
            self,
            Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag
        )
    }
}

/// INT encoding bits.
pub const INT_SIGNED: u8 = 1;
pub const INT_CHAR: u8 = 2;
pub const INT_BOOL: u8 = 4;

/// One member of a struct/union, enumerator, function parameter or datasec variable, depending on the kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Member {
    pub name_off: u32,
    /// Member/param/datasec var: the type id. Enum: unused.
    pub type_id: u32,
    /// Struct member: bit offset (and bitfield size in the top 8 bits when the kind flag is set).
    /// Datasec var: byte offset. Enum/Enum64: the value.
    pub offset: u64,
    /// Datasec var: size in bytes.
    pub size: u32,
}

#[derive(Debug, Clone)]
pub struct Type {
    pub kind: Kind,
    pub name_off: u32,
    pub kind_flag: bool,
    /// Size in bytes for sized kinds; referenced type id for Ptr, modifiers, Func, Var.
    pub size_or_type: u32,
    /// Int: encoding, bit offset and bit size. Array: element type, index type, element count.
    pub int: Option<IntEncoding>,
    pub array: Option<ArrayInfo>,
    pub members: Vec<Member>,
    /// Var: linkage; DeclTag: component index.
    pub extra: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct IntEncoding {
    pub encoding: u8,
    pub offset: u8,
    pub bits: u8,
}

#[derive(Debug, Clone, Copy)]
pub struct ArrayInfo {
    pub elem_type: u32,
    pub nelems: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed BTF: {}", self.0)
    }
}

/// A parsed, self-contained BTF blob (not split BTF: ids start at 1).
#[derive(Debug, Clone)]
pub struct Btf {
    /// Index 0 is `void`.
    types: Vec<Type>,
    strings: Vec<u8>,
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn u32(&mut self) -> Result<u32, ParseError> {
        let bytes = self
            .data
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| ParseError("type section truncated".into()))?;
        self.pos += 4;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}

impl Btf {
    pub fn parse(data: &[u8]) -> Result<Btf, ParseError> {
        let header = |at: usize| -> Result<u32, ParseError> {
            let b = data
                .get(at..at + 4)
                .ok_or_else(|| ParseError("header truncated".into()))?;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let magic = data.get(0..2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        if magic != Some(BTF_MAGIC) {
            return Err(ParseError(
                "bad magic (only little-endian BTF is read)".into(),
            ));
        }
        let hdr_len = header(4)? as usize;
        let (type_off, type_len) = (header(8)? as usize, header(12)? as usize);
        let (str_off, str_len) = (header(16)? as usize, header(20)? as usize);
        let section = |off: usize, len: usize, what: &str| {
            data.get(hdr_len + off..hdr_len + off + len)
                .ok_or_else(|| ParseError(format!("{what} section out of bounds")))
        };
        let type_data = section(type_off, type_len, "type")?;
        let strings = section(str_off, str_len, "string")?.to_vec();
        let mut types = vec![Type {
            kind: Kind::Void,
            name_off: 0,
            kind_flag: false,
            size_or_type: 0,
            int: None,
            array: None,
            members: Vec::new(),
            extra: 0,
        }];
        let mut reader = Reader {
            data: type_data,
            pos: 0,
        };
        while reader.pos < type_data.len() {
            types.push(parse_type(&mut reader)?);
        }
        Ok(Btf { types, strings })
    }

    pub fn type_by_id(&self, id: u32) -> Option<&Type> {
        self.types.get(id as usize)
    }

    /// The string at `offset` in the string section ("" when out of range).
    pub fn name_at(&self, offset: u32) -> &str {
        let Some(tail) = self.strings.get(offset as usize..) else {
            return "";
        };
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        std::str::from_utf8(&tail[..end]).unwrap_or("")
    }

    pub fn name_of(&self, id: u32) -> &str {
        self.type_by_id(id).map_or("", |t| self.name_at(t.name_off))
    }

    /// Follows typedefs and qualifiers to the type that gives a value its shape. Bounded, so a cycle in malformed
    /// BTF cannot loop forever.
    pub fn resolve(&self, mut id: u32) -> Option<(u32, &Type)> {
        for _ in 0..64 {
            let t = self.type_by_id(id)?;
            if !t.kind.is_modifier() {
                return Some((id, t));
            }
            id = t.size_or_type;
        }
        None
    }

    /// Size in bytes of a value of type `id`.
    pub fn size_of(&self, id: u32) -> Option<usize> {
        let (_, t) = self.resolve(id)?;
        match t.kind {
            Kind::Int
            | Kind::Struct
            | Kind::Union
            | Kind::Enum
            | Kind::Enum64
            | Kind::Float
            | Kind::Datasec => Some(t.size_or_type as usize),
            Kind::Ptr => Some(8),
            Kind::Array => {
                let a = t.array?;
                Some(self.size_of(a.elem_type)? * a.nelems as usize)
            }
            Kind::Var => self.size_of(t.size_or_type),
            _ => None,
        }
    }
}

fn parse_type(r: &mut Reader<'_>) -> Result<Type, ParseError> {
    let name_off = r.u32()?;
    let info = r.u32()?;
    let size_or_type = r.u32()?;
    let vlen = (info & 0xffff) as usize;
    let raw_kind = (info >> 24) & 0x1f;
    let kind =
        Kind::from_raw(raw_kind).ok_or_else(|| ParseError(format!("unknown kind {raw_kind}")))?;
    let mut t = Type {
        kind,
        name_off,
        kind_flag: info >> 31 == 1,
        size_or_type,
        int: None,
        array: None,
        members: Vec::new(),
        extra: 0,
    };
    match kind {
        Kind::Int => {
            let raw = r.u32()?;
            t.int = Some(IntEncoding {
                encoding: ((raw >> 24) & 0x0f) as u8,
                offset: ((raw >> 16) & 0xff) as u8,
                bits: (raw & 0xff) as u8,
            });
        }
        Kind::Array => {
            let (elem_type, _index_type, nelems) = (r.u32()?, r.u32()?, r.u32()?);
            t.array = Some(ArrayInfo { elem_type, nelems });
        }
        Kind::Struct | Kind::Union => {
            for _ in 0..vlen {
                let (name_off, type_id, offset) = (r.u32()?, r.u32()?, r.u32()?);
                t.members.push(Member {
                    name_off,
                    type_id,
                    offset: offset as u64,
                    size: 0,
                });
            }
        }
        Kind::Enum => {
            for _ in 0..vlen {
                let (name_off, value) = (r.u32()?, r.u32()?);
                // Signedness is the kind flag; keep the raw bits sign-extended when signed.
                let value = if t.kind_flag {
                    value as i32 as i64 as u64
                } else {
                    value as u64
                };
                t.members.push(Member {
                    name_off,
                    offset: value,
                    ..Member::default()
                });
            }
        }
        Kind::Enum64 => {
            for _ in 0..vlen {
                let (name_off, lo, hi) = (r.u32()?, r.u32()?, r.u32()?);
                t.members.push(Member {
                    name_off,
                    offset: (hi as u64) << 32 | lo as u64,
                    ..Member::default()
                });
            }
        }
        Kind::FuncProto => {
            for _ in 0..vlen {
                let (name_off, type_id) = (r.u32()?, r.u32()?);
                t.members.push(Member {
                    name_off,
                    type_id,
                    ..Member::default()
                });
            }
        }
        Kind::Var => t.extra = r.u32()? as i64,
        Kind::DeclTag => t.extra = r.u32()? as i32 as i64,
        Kind::Datasec => {
            for _ in 0..vlen {
                let (type_id, offset, size) = (r.u32()?, r.u32()?, r.u32()?);
                t.members.push(Member {
                    name_off: 0,
                    type_id,
                    offset: offset as u64,
                    size,
                });
            }
        }
        _ => {}
    }
    Ok(t)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a BTF blob from raw type words and a string table, for tests here and in `value`.
    pub fn blob(type_words: &[u32], strings: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&BTF_MAGIC.to_le_bytes());
        out.extend_from_slice(&[1, 0]);
        let type_len = (type_words.len() * 4) as u32;
        for word in [24u32, 0, type_len, type_len, strings.len() as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        for word in type_words {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(strings);
        out
    }

    pub fn info(kind: u32, vlen: u32) -> u32 {
        kind << 24 | vlen
    }

    #[test]
    fn parses_int_array_and_func() {
        // 1: int "int" (signed, 32 bits); 2: array of 1 x4; 3: func proto () -> int; 4: func "main" -> 3
        let words = [
            1,
            info(1, 0),
            4,
            (INT_SIGNED as u32) << 24 | 32,
            0,
            info(3, 0),
            0,
            1,
            1,
            4,
            0,
            info(13, 0),
            1,
            5,
            info(12, 0),
            3,
        ];
        let btf = Btf::parse(&blob(&words, b"\0int\0main\0")).unwrap();
        assert_eq!(btf.type_by_id(1).unwrap().kind, Kind::Int);
        assert_eq!(btf.size_of(2), Some(16));
        assert_eq!(btf.name_of(4), "main");
        assert_eq!(btf.type_by_id(4).unwrap().kind, Kind::Func);
        assert!(btf.type_by_id(5).is_none());
    }

    #[test]
    fn rejects_garbage() {
        assert!(Btf::parse(b"not btf at all, clearly").is_err());
        let mut truncated = blob(&[1, info(1, 0), 4], b"\0int\0");
        truncated.truncate(30);
        assert!(Btf::parse(&truncated).is_err());
    }
}
