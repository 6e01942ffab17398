//! Resolving types: looking through modifiers and typedefs, sizes and alignments as libbpf computes them, and a
//! short C spelling of a type for reports (`struct task_struct *`, `char[16]`).

use std::collections::HashMap;

use super::types::Kind;
use super::{err, Btf, Result, Type, MAX_DEPTH};

/// Where alignments already computed are kept: a map for one-off calls, a dense vector for whole-BTF walks.
trait AlignMemo {
    fn known(&self, id: u32) -> Option<u32>;
    fn remember(&mut self, id: u32, align: u32);
}

impl AlignMemo for HashMap<u32, u32> {
    fn known(&self, id: u32) -> Option<u32> {
        self.get(&id).copied()
    }
    fn remember(&mut self, id: u32, align: u32) {
        self.insert(id, align);
    }
}

impl AlignMemo for Vec<u32> {
    fn known(&self, id: u32) -> Option<u32> {
        self.get(id as usize).copied().filter(|a| *a != 0)
    }
    fn remember(&mut self, id: u32, align: u32) {
        if let Some(slot) = self.get_mut(id as usize) {
            *slot = align;
        }
    }
}

impl Btf {
    /// Follows CONST/VOLATILE/RESTRICT/TYPE_TAG (and typedefs when asked) to the type that gives the layout.
    pub fn skip_modifiers(&self, mut id: u32, typedefs: bool) -> Result<u32> {
        for _ in 0..MAX_DEPTH {
            let Some(t) = self.type_by_id(id) else {
                return Ok(id);
            };
            if t.kind().is_modifier() || (typedefs && t.kind() == Kind::Typedef) {
                id = t.type_id();
            } else {
                return Ok(id);
            }
        }
        err(format!("type loop through modifiers at type {id}"))
    }

    /// The type's size in bytes (libbpf's `btf__resolve_size`).
    pub fn resolve_size(&self, id: u32) -> Result<u64> {
        let mut id = id;
        let mut nelems: u64 = 1;
        for _ in 0..MAX_DEPTH {
            let t = self.get(id)?;
            let size = match t.kind() {
                Kind::Int
                | Kind::Struct
                | Kind::Union
                | Kind::Enum
                | Kind::Enum64
                | Kind::Datasec
                | Kind::Float => t.size() as u64,
                Kind::Ptr => self.ptr_size() as u64,
                Kind::Typedef | Kind::Var | Kind::DeclTag | Kind::TypeTag => {
                    id = t.type_id();
                    continue;
                }
                k if k.is_modifier() => {
                    id = t.type_id();
                    continue;
                }
                Kind::Array => {
                    let a = t.array();
                    nelems = nelems.saturating_mul(a.nelems as u64);
                    id = a.elem_type;
                    continue;
                }
                k => return err(format!("type [{id}] {} has no size", k.name())),
            };
            return nelems
                .checked_mul(size)
                .filter(|s| *s <= u32::MAX as u64)
                .ok_or_else(|| super::Error(format!("type [{id}] is too large")));
        }
        err(format!("type loop while sizing type {id}"))
    }

    /// Natural alignment in bytes (libbpf's `btf__align_of`); 1 for packed composites.
    pub fn align_of(&self, id: u32) -> Result<u32> {
        // Memoized per call: a composite reached along many paths (hostile DAGs) is aligned once.
        self.align_of_depth(id, 0, &mut HashMap::new())
    }

    /// `align_of` with a caller-kept memo (indexed by type id, 0 = not yet known) shared across calls: the C
    /// emitter aligns every member of every struct.
    pub(crate) fn align_of_memo(&self, id: u32, memo: &mut Vec<u32>) -> Result<u32> {
        self.align_of_depth(id, 0, memo)
    }

    fn align_of_depth(&self, id: u32, depth: usize, memo: &mut impl AlignMemo) -> Result<u32> {
        if depth > MAX_DEPTH {
            return err(format!("type loop while aligning type {id}"));
        }
        if let Some(a) = memo.known(id) {
            return Ok(a);
        }
        let a = self.align_of_uncached(id, depth, memo)?;
        memo.remember(id, a);
        Ok(a)
    }

    fn align_of_uncached(&self, id: u32, depth: usize, memo: &mut impl AlignMemo) -> Result<u32> {
        let t = self.get(id)?;
        match t.kind() {
            // libbpf caps every scalar at the pointer size, but a 16-byte integer or float is 16-aligned on
            // every 64-bit target BPF runs on (x86_64, arm64 and the BPF target itself): with the cap, a packed
            // struct holding one at offset 8 looked natural and its C header got the wrong layout.
            Kind::Int | Kind::Float if t.size() == 16 && self.ptr_size() == 8 => Ok(16),
            Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float => {
                Ok(self.ptr_size().min(t.size()).max(1))
            }
            Kind::Ptr => Ok(self.ptr_size()),
            Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.align_of_depth(t.type_id(), depth + 1, memo)
            }
            Kind::Array => self.align_of_depth(t.array().elem_type, depth + 1, memo),
            Kind::Struct | Kind::Union => {
                let natural = natural_align(&t, |id| self.align_of_depth(id, depth + 1, memo))?;
                Ok(natural.unwrap_or(1))
            }
            k => err(format!("type [{id}] {} has no alignment", k.name())),
        }
    }

    /// A function prototype as `ret (arg, arg)`, for kfuncs and function pointers.
    pub fn func_signature(&self, proto: u32) -> String {
        let Some(t) = self
            .type_by_id(proto)
            .filter(|t| t.kind() == Kind::FuncProto)
        else {
            return self.type_display(proto);
        };
        let params: Vec<String> = t
            .params()
            .map(|p| {
                if p.type_id == 0 {
                    "...".to_string()
                } else {
                    self.type_display(p.type_id)
                }
            })
            .collect();
        let params = if params.is_empty() {
            "void".to_string()
        } else {
            params.join(", ")
        };
        format!("{} ({params})", self.type_display(t.type_id()))
    }

    /// A short C spelling of a type for tables and JSON: `struct task_struct *`, `const char[16]`, `__u32`.
    pub fn type_display(&self, id: u32) -> String {
        let mut suffix = String::new();
        self.display_into(id, &mut suffix, 0)
    }

    fn display_into(&self, id: u32, suffix: &mut String, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "(loop)".to_string();
        }
        let Some(t) = self.type_by_id(id) else {
            return format!("void{suffix}");
        };
        let named = |prefix: &str, t: &Type| {
            let name = if t.name().is_empty() {
                "(anon)"
            } else {
                t.name()
            };
            format!("{prefix}{name}{suffix}")
        };
        match t.kind() {
            Kind::Struct => named("struct ", &t),
            Kind::Union => named("union ", &t),
            Kind::Enum | Kind::Enum64 => named("enum ", &t),
            Kind::Fwd if t.kflag() => named("union ", &t),
            Kind::Fwd => named("struct ", &t),
            Kind::Ptr => {
                let mut s = format!(" *{suffix}");
                if suffix.starts_with('[') {
                    s = format!(" (*){suffix}");
                }
                self.display_into(t.type_id(), &mut s, depth + 1)
            }
            Kind::Array => {
                let mut s = format!("[{}]{suffix}", t.array().nelems);
                self.display_into(t.array().elem_type, &mut s, depth + 1)
            }
            Kind::Const | Kind::Volatile | Kind::Restrict => {
                let inner = self.display_into(t.type_id(), suffix, depth + 1);
                format!("{} {inner}", t.kind().name().to_lowercase())
            }
            Kind::TypeTag | Kind::Var | Kind::DeclTag => {
                self.display_into(t.type_id(), suffix, depth + 1)
            }
            Kind::FuncProto | Kind::Func => format!("func{suffix}"),
            _ => named("", &t),
        }
    }
}

/// The alignment a struct's or union's members ask for, or None when its layout says it was packed: a member
/// off its natural alignment, a bitfield across its unit, or a size that is not a multiple of that alignment.
pub(crate) fn natural_align(
    t: &Type,
    mut align_of: impl FnMut(u32) -> Result<u32>,
) -> Result<Option<u32>> {
    let mut max_align = 1;
    for m in t.member_layouts() {
        let align = align_of(m.type_id)?;
        max_align = max_align.max(align);
        if m.bitfield_size == 0 && m.bit_offset % (8 * align) != 0
            || bitfield_straddles(m.bit_offset, m.bitfield_size, align)
        {
            return Ok(None);
        }
    }
    Ok((t.size() % max_align == 0).then_some(max_align))
}

/// Whether a bitfield crosses a boundary of its base type's alignment unit, which compilers only do in a packed
/// composite (`unsigned long long x: 56` at bit 56). libbpf does not look at bitfields and writes such a struct
/// unpacked, moving the bitfield and everything after it.
fn bitfield_straddles(bit_offset: u32, bits: u32, align: u32) -> bool {
    let unit = 8 * u64::from(align.max(1));
    let (first, last) = (
        u64::from(bit_offset),
        u64::from(bit_offset) + u64::from(bits),
    );
    bits != 0 && first / unit != (last - 1) / unit
}
