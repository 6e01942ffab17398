//! Typed views over one BTF type: its kind, name and kind-specific data, decoded from the blob on access.

use super::{Btf, TypeRec};

/// BTF kinds in the kernel's numbering (`BTF_KIND_*`); names are bpftool's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Unknown,
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

pub(crate) const KIND_COUNT: usize = 20;

impl Kind {
    pub const ALL: [Kind; KIND_COUNT] = [
        Kind::Unknown,
        Kind::Int,
        Kind::Ptr,
        Kind::Array,
        Kind::Struct,
        Kind::Union,
        Kind::Enum,
        Kind::Fwd,
        Kind::Typedef,
        Kind::Volatile,
        Kind::Const,
        Kind::Restrict,
        Kind::Func,
        Kind::FuncProto,
        Kind::Var,
        Kind::Datasec,
        Kind::Float,
        Kind::DeclTag,
        Kind::TypeTag,
        Kind::Enum64,
    ];

    pub fn from_raw(raw: u32) -> Option<Kind> {
        Kind::ALL
            .get(raw as usize)
            .copied()
            .filter(|k| *k != Kind::Unknown)
    }

    /// bpftool's spelling: `STRUCT`, `FUNC_PROTO`, ...
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unknown => "UNKNOWN",
            Kind::Int => "INT",
            Kind::Ptr => "PTR",
            Kind::Array => "ARRAY",
            Kind::Struct => "STRUCT",
            Kind::Union => "UNION",
            Kind::Enum => "ENUM",
            Kind::Fwd => "FWD",
            Kind::Typedef => "TYPEDEF",
            Kind::Volatile => "VOLATILE",
            Kind::Const => "CONST",
            Kind::Restrict => "RESTRICT",
            Kind::Func => "FUNC",
            Kind::FuncProto => "FUNC_PROTO",
            Kind::Var => "VAR",
            Kind::Datasec => "DATASEC",
            Kind::Float => "FLOAT",
            Kind::DeclTag => "DECL_TAG",
            Kind::TypeTag => "TYPE_TAG",
            Kind::Enum64 => "ENUM64",
        }
    }

    /// Bytes that follow the 12-byte type header for this kind and vlen.
    pub(crate) fn tail_len(self, vlen: u32) -> usize {
        let vlen = vlen as usize;
        match self {
            Kind::Int | Kind::Var | Kind::DeclTag => 4,
            Kind::Array => 12,
            Kind::Struct | Kind::Union | Kind::Datasec | Kind::Enum64 => 12 * vlen,
            Kind::Enum | Kind::FuncProto => 8 * vlen,
            _ => 0,
        }
    }

    /// Modifiers that C emission and value formatting look through.
    pub fn is_modifier(self) -> bool {
        matches!(
            self,
            Kind::Const | Kind::Volatile | Kind::Restrict | Kind::TypeTag
        )
    }

    /// Kinds whose header word after `info` is a type id (`type`), not a size.
    pub fn header_is_type(self) -> bool {
        matches!(
            self,
            Kind::Ptr
                | Kind::Typedef
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::Func
                | Kind::FuncProto
                | Kind::Var
                | Kind::DeclTag
                | Kind::TypeTag
        )
    }

    pub fn is_composite(self) -> bool {
        matches!(self, Kind::Struct | Kind::Union)
    }
}

pub(crate) fn kind_index(info: u32) -> usize {
    ((info >> 24) & 0x1f) as usize % KIND_COUNT
}

/// One type, borrowed from its blob.
#[derive(Clone, Copy)]
pub struct Type<'a> {
    btf: &'a Btf,
    id: u32,
    rec: TypeRec,
}

/// A struct or union member; `bit_offset` from the start of the composite.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub name: &'a str,
    pub name_off: u32,
    pub type_id: u32,
    pub bit_offset: u32,
    /// Non-zero for bitfields.
    pub bitfield_size: u32,
}

/// A member as `Type::member_layouts` gives it: everything but the name string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberLayout {
    pub name_off: u32,
    pub type_id: u32,
    pub bit_offset: u32,
    pub bitfield_size: u32,
}

/// An enumerator; `value` holds the raw bits (sign-extend with `signed` of the enum).
#[derive(Debug, Clone, Copy)]
pub struct EnumValue<'a> {
    pub name: &'a str,
    pub name_off: u32,
    pub value: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct Param<'a> {
    pub name: &'a str,
    pub name_off: u32,
    pub type_id: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct Array {
    pub elem_type: u32,
    pub index_type: u32,
    pub nelems: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct VarSecInfo {
    pub type_id: u32,
    pub offset: u32,
    pub size: u32,
}

/// The 32-bit word after an INT header.
#[derive(Debug, Clone, Copy)]
pub struct IntInfo {
    pub encoding: u8,
    pub offset: u32,
    pub bits: u32,
}

pub const INT_SIGNED: u8 = 1;
pub const INT_CHAR: u8 = 2;
pub const INT_BOOL: u8 = 4;

impl<'a> Type<'a> {
    pub(crate) fn new(btf: &'a Btf, id: u32, rec: TypeRec) -> Self {
        Type { btf, id, rec }
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn kind(&self) -> Kind {
        Kind::ALL[kind_index(self.rec.info)]
    }

    pub fn name_off(&self) -> u32 {
        self.rec.name_off
    }

    pub fn name(&self) -> &'a str {
        self.btf.str_at(self.rec.name_off)
    }

    pub fn vlen(&self) -> u32 {
        self.rec.info & 0xffff
    }

    pub fn kflag(&self) -> bool {
        self.rec.info >> 31 != 0
    }

    /// The size field (INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT).
    pub fn size(&self) -> u32 {
        self.rec.size_or_type
    }

    /// The referenced type (PTR, TYPEDEF, modifiers, FUNC, VAR, DECL_TAG; FUNC_PROTO's return type).
    pub fn type_id(&self) -> u32 {
        self.rec.size_or_type
    }

    /// The raw `info` word: kind, vlen, kflag.
    pub(crate) fn info(&self) -> u32 {
        self.rec.info
    }

    /// Word `i` of the kind-specific data after the 12-byte header.
    pub(crate) fn word(&self, i: usize) -> u32 {
        self.btf.u32_at(self.rec.tail as usize + 4 * i)
    }

    pub fn int_info(&self) -> IntInfo {
        let v = self.word(0);
        IntInfo {
            encoding: ((v >> 24) & 0x0f) as u8,
            offset: (v >> 16) & 0xff,
            bits: v & 0xff,
        }
    }

    pub fn array(&self) -> Array {
        Array {
            elem_type: self.word(0),
            index_type: self.word(1),
            nelems: self.word(2),
        }
    }

    pub fn members(&self) -> impl ExactSizeIterator<Item = Member<'a>> + 'a {
        let btf = self.btf;
        self.member_layouts().map(move |m| Member {
            name: btf.str_at(m.name_off),
            name_off: m.name_off,
            type_id: m.type_id,
            bit_offset: m.bit_offset,
            bitfield_size: m.bitfield_size,
        })
    }

    /// Members without their names: walks that only follow type ids and offsets (ordering, alignment,
    /// validation) skip a NUL scan per member, millions of them in `format c` of vmlinux.
    pub(crate) fn member_layouts(&self) -> impl ExactSizeIterator<Item = MemberLayout> + 'a {
        let t = *self;
        let kflag = self.kflag();
        (0..self.vlen() as usize).map(move |i| {
            let off = t.word(3 * i + 2);
            let (bit_offset, bitfield_size) = if kflag {
                (off & 0xff_ffff, off >> 24)
            } else {
                (off, 0)
            };
            MemberLayout {
                name_off: t.word(3 * i),
                type_id: t.word(3 * i + 1),
                bit_offset,
                bitfield_size,
            }
        })
    }

    /// The raw offset word of member `i` (kflag bits included), as libbpf's packing checks use it.
    pub(crate) fn member_raw_offset(&self, i: usize) -> u32 {
        self.word(3 * i + 2)
    }

    pub fn enum_values(&self) -> impl ExactSizeIterator<Item = EnumValue<'a>> + 'a {
        let t = *self;
        let is64 = self.kind() == Kind::Enum64;
        let signed = self.kflag();
        (0..self.vlen() as usize).map(move |i| {
            let (name_off, value) = if is64 {
                let lo = t.word(3 * i + 1) as u64;
                let hi = t.word(3 * i + 2) as u64;
                (t.word(3 * i), hi << 32 | lo)
            } else {
                let v = t.word(2 * i + 1);
                let v = if signed {
                    v as i32 as i64 as u64
                } else {
                    v as u64
                };
                (t.word(2 * i), v)
            };
            EnumValue {
                name: t.btf.str_at(name_off),
                name_off,
                value,
            }
        })
    }

    pub fn params(&self) -> impl ExactSizeIterator<Item = Param<'a>> + 'a {
        let t = *self;
        (0..self.vlen() as usize).map(move |i| {
            let name_off = t.word(2 * i);
            Param {
                name: t.btf.str_at(name_off),
                name_off,
                type_id: t.word(2 * i + 1),
            }
        })
    }

    /// The parameters' types, without looking their names up.
    pub(crate) fn param_type_ids(&self) -> impl ExactSizeIterator<Item = u32> + 'a {
        let t = *self;
        (0..self.vlen() as usize).map(move |i| t.word(2 * i + 1))
    }

    /// Name offsets of the members, enumerators or parameters (none for other kinds), unresolved.
    pub(crate) fn part_name_offs(&self) -> impl Iterator<Item = u32> + 'a {
        let t = *self;
        let stride = match self.kind() {
            Kind::Struct | Kind::Union | Kind::Enum64 => 3,
            Kind::Enum | Kind::FuncProto => 2,
            _ => 0,
        };
        let count = if stride == 0 { 0 } else { self.vlen() as usize };
        (0..count).map(move |i| t.word(stride * i))
    }

    /// VAR linkage: 0 static, 1 global, 2 extern.
    pub fn var_linkage(&self) -> u32 {
        self.word(0)
    }

    /// FUNC linkage (stored in vlen): 0 static, 1 global, 2 extern.
    pub fn func_linkage(&self) -> u32 {
        self.vlen()
    }

    pub fn datasec_vars(&self) -> impl ExactSizeIterator<Item = VarSecInfo> + 'a {
        let t = *self;
        (0..self.vlen() as usize).map(move |i| VarSecInfo {
            type_id: t.word(3 * i),
            offset: t.word(3 * i + 1),
            size: t.word(3 * i + 2),
        })
    }

    pub fn decl_tag_component_idx(&self) -> i32 {
        self.word(0) as i32
    }

    /// Calls `f` with every type id this type refers to, in declaration order, without allocating.
    pub fn for_each_ref(&self, mut f: impl FnMut(u32)) {
        match self.kind() {
            k if k.header_is_type() && k != Kind::FuncProto => f(self.type_id()),
            Kind::Array => {
                let a = self.array();
                f(a.elem_type);
                f(a.index_type);
            }
            Kind::Struct | Kind::Union => self.member_layouts().for_each(|m| f(m.type_id)),
            Kind::FuncProto => {
                f(self.type_id());
                self.param_type_ids().for_each(f);
            }
            Kind::Datasec => self.datasec_vars().for_each(|v| f(v.type_id)),
            _ => {}
        }
    }

    /// Every type id this type refers to, in declaration order (for graph walks and validation).
    pub fn referenced_ids(&self) -> Vec<u32> {
        let mut ids = Vec::new();
        self.for_each_ref(|r| ids.push(r));
        ids
    }

    pub fn btf(&self) -> &'a Btf {
        self.btf
    }
}
