//! A smaller BTF cut out of a bigger one: the chosen types, with only the chosen members of structs and unions and
//! the chosen values of enums, plus every type they refer to (those kept whole, but composites and enums reached only
//! by reference kept without members). Written as a standalone raw blob with ids renumbered densely in the original
//! order; member offsets, bitfield sizes, kflags and sizes are copied unchanged, so layouts stay exact.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::types::Kind;
use super::{err, Btf, Result, Type, BTF_MAGIC};

/// Which types to keep, and which members (struct/union) or values (enum) of each.
#[derive(Debug, Default, Clone)]
pub struct Subset {
    keep: BTreeMap<u32, BTreeSet<u32>>,
}

impl Subset {
    /// Keeps type `id` (for composites and enums: without members unless some are kept too). Void (0) is implicit.
    pub fn keep_type(&mut self, id: u32) {
        if id != 0 {
            self.keep.entry(id).or_default();
        }
    }

    /// Keeps member (or enum value) `index` of type `id`.
    pub fn keep_member(&mut self, id: u32, index: u32) {
        self.keep.entry(id).or_default().insert(index);
    }

    pub fn contains(&self, id: u32) -> bool {
        self.keep.contains_key(&id)
    }

    /// Member (or value) indices kept of type `id`.
    pub fn members(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        self.keep.get(&id).into_iter().flatten().copied()
    }
}

/// A raw BTF blob and where each kept type of the source landed in it.
pub struct Written {
    pub data: Vec<u8>,
    pub ids: HashMap<u32, u32>,
}

impl Btf {
    /// Writes `subset` (closed over references) as a raw BTF blob in this BTF's byte order.
    pub fn write_subset(&self, subset: &Subset) -> Result<Written> {
        let closed = self.close(subset)?;
        let ids: HashMap<u32, u32> = closed
            .keep
            .keys()
            .enumerate()
            .map(|(i, &old)| (old, i as u32 + 1))
            .collect();
        let mut w = Writer {
            be: self.big_endian(),
            types: Vec::new(),
            strings: vec![0],
            offsets: HashMap::new(),
            ids: &ids,
        };
        for (&id, members) in &closed.keep {
            w.write_type(&self.get(id)?, members)?;
        }
        Ok(Written {
            data: w.finish(),
            ids,
        })
    }

    /// Adds every type a kept type refers to (through kept members only), until nothing new appears.
    fn close(&self, subset: &Subset) -> Result<Subset> {
        let mut out = subset.clone();
        let mut todo: Vec<u32> = out.keep.keys().copied().collect();
        while let Some(id) = todo.pop() {
            let t = self.get(id)?;
            let mut refs = Vec::new();
            match t.kind() {
                Kind::Struct | Kind::Union => {
                    let kept: Vec<u32> = out.members(id).collect();
                    for i in kept {
                        let m = t.members().nth(i as usize).ok_or_else(|| {
                            super::Error(format!("type [{id}] has no member {i}"))
                        })?;
                        refs.push(m.type_id);
                    }
                }
                _ => t.for_each_ref(|r| refs.push(r)),
            }
            for r in refs {
                if r != 0 && !out.contains(r) {
                    out.keep_type(r);
                    todo.push(r);
                }
            }
        }
        Ok(out)
    }
}

struct Writer<'a> {
    be: bool,
    types: Vec<u8>,
    strings: Vec<u8>,
    offsets: HashMap<String, u32>,
    ids: &'a HashMap<u32, u32>,
}

impl Writer<'_> {
    fn u32(&mut self, v: u32) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.types.extend_from_slice(&b);
    }

    fn name(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&off) = self.offsets.get(s) {
            return off;
        }
        let off = self.strings.len() as u32;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        self.offsets.insert(s.to_string(), off);
        off
    }

    fn id(&self, old: u32) -> Result<u32> {
        if old == 0 {
            return Ok(0);
        }
        match self.ids.get(&old) {
            Some(&new) => Ok(new),
            None => err(format!("type {old} is referenced but was not kept")),
        }
    }

    fn write_type(&mut self, t: &Type, members: &BTreeSet<u32>) -> Result<()> {
        let kind = t.kind();
        let partial = matches!(kind, Kind::Struct | Kind::Union | Kind::Enum | Kind::Enum64);
        let vlen = if partial {
            members.len() as u32
        } else {
            t.vlen()
        };
        let name = self.name(t.name());
        self.u32(name);
        self.u32(t.info() & !0xffff | vlen);
        let head = if kind.header_is_type() {
            self.id(t.type_id())?
        } else {
            t.size()
        };
        self.u32(head);
        match kind {
            Kind::Int | Kind::Var | Kind::DeclTag => self.u32(t.word(0)),
            Kind::Array => {
                let a = t.array();
                let (elem, index) = (self.id(a.elem_type)?, self.id(a.index_type)?);
                self.u32(elem);
                self.u32(index);
                self.u32(a.nelems);
            }
            Kind::Struct | Kind::Union => {
                for &i in members {
                    let m = t.members().nth(i as usize).expect("checked by close");
                    let (name, ty) = (self.name(m.name), self.id(m.type_id)?);
                    self.u32(name);
                    self.u32(ty);
                    self.u32(t.member_raw_offset(i as usize));
                }
            }
            Kind::Enum | Kind::Enum64 => {
                let words = if kind == Kind::Enum { 2 } else { 3 };
                for &i in members {
                    let base = words * i as usize;
                    if i >= t.vlen() {
                        return err(format!("type [{}] has no value {i}", t.id()));
                    }
                    let name = self.name(t.btf().str_at(t.word(base)));
                    self.u32(name);
                    for k in 1..words {
                        self.u32(t.word(base + k));
                    }
                }
            }
            Kind::FuncProto => {
                for p in t.params() {
                    let (name, ty) = (self.name(p.name), self.id(p.type_id)?);
                    self.u32(name);
                    self.u32(ty);
                }
            }
            Kind::Datasec => {
                for v in t.datasec_vars() {
                    let ty = self.id(v.type_id)?;
                    self.u32(ty);
                    self.u32(v.offset);
                    self.u32(v.size);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> Vec<u8> {
        let w = |v: u32| {
            if self.be {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::with_capacity(24 + self.types.len() + self.strings.len());
        out.extend_from_slice(&if self.be {
            BTF_MAGIC.to_be_bytes()
        } else {
            BTF_MAGIC.to_le_bytes()
        });
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&w(24));
        out.extend_from_slice(&w(0));
        out.extend_from_slice(&w(self.types.len() as u32));
        out.extend_from_slice(&w(self.types.len() as u32));
        out.extend_from_slice(&w(self.strings.len() as u32));
        out.extend_from_slice(&self.types);
        out.extend_from_slice(&self.strings);
        out
    }
}
