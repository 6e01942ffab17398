//! `btf minimize`: the part of a kernel BTF that some objects' CO-RE relocations use, small enough to ship with
//! them (bpftool's `gen min_core_btf`). What is used comes from the target specs libbpf's own relocation code
//! matched ([`super::core`]): field relocations keep the struct/union chain with only the accessed members
//! (anonymous members on the way included), type relocations keep the type (`type_matches` everything its check
//! compares), enum relocations keep the enum with only the used values. The result is checked by relocating every
//! object against it again: each relocation must come out exactly as against the source.

use std::collections::HashSet;

use super::core::{CoreBtf, Outcome, TargetSpec};
use super::ReloVerdict;
use crate::btf::{Btf, Kind, Subset};
use crate::elf::ObjectFile;

/// A minimized BTF blob and what went into it.
pub struct Minimized {
    pub data: Vec<u8>,
    pub types: u32,
    pub relocations: usize,
}

const TYPE_ID_TARGET: u32 = 7;
const TYPE_MATCHES: u32 = 12;
const ENUMVAL_EXISTS: u32 = 10;

/// Minimizes `src` for `objects` (name, parsed object); Err is a one-line reason.
pub fn minimize(
    src: &Btf,
    core_src: &CoreBtf,
    objects: &[(String, ObjectFile)],
) -> Result<Minimized, String> {
    let mut subset = Subset::default();
    let mut against_src = Vec::new();
    for (name, obj) in objects {
        let relos = super::relocate(obj, core_src).map_err(|e| format!("{name}: {e}"))?;
        for r in &relos {
            if matches!(r.resolution.outcome, Outcome::Ambiguous | Outcome::Failed) {
                return Err(format!(
                    "{name}: CO-RE {} {} fails against the source BTF ({}): libbpf would refuse the object",
                    r.kind,
                    r.spec,
                    r.resolution.error.as_deref().unwrap_or("?")
                ));
            }
            if let Some(spec) = &r.resolution.target {
                mark(src, spec, &mut subset)
                    .map_err(|e| format!("{name}: {} {}: {e}", r.kind, r.spec))?;
            }
        }
        against_src.push(relos);
    }
    let written = src.write_subset(&subset).map_err(|e| e.to_string())?;
    let out =
        Btf::parse(&written.data).map_err(|e| format!("minimized BTF does not parse: {e}"))?;
    let core_out = CoreBtf::new(&out)?;
    for ((name, obj), before) in objects.iter().zip(&against_src) {
        let after = super::relocate(obj, &core_out)?;
        verify(name, before, &after, &written.ids)?;
    }
    Ok(Minimized {
        types: out.type_count() - 1,
        relocations: against_src.iter().map(Vec::len).sum(),
        data: written.data,
    })
}

/// Every relocation must resolve against the minimized BTF as against the source, down to the patched instruction;
/// `target_type_id` values are ids, which minimizing renumbers, so those must name the same type through the id map.
fn verify(
    name: &str,
    before: &[ReloVerdict],
    after: &[ReloVerdict],
    ids: &std::collections::HashMap<u32, u32>,
) -> Result<(), String> {
    if before.len() != after.len() {
        return Err(format!("{name}: relocation count changed"));
    }
    for (b, a) in before.iter().zip(after) {
        let (rb, ra) = (&b.resolution, &a.resolution);
        // The patched instructions themselves must match, which covers values, load sizes and poisoning.
        let same_value = match (rb.target.as_ref(), rb.value) {
            (Some(t), Some(v)) if t.relo_kind == TYPE_ID_TARGET => {
                ids.get(&(v as u32)).map(|&n| n as u64) == ra.value
            }
            _ => rb.value == ra.value && rb.insns == ra.insns,
        };
        if rb.outcome != ra.outcome || !same_value {
            return Err(format!(
                "{name}: CO-RE {} {} resolves differently against the minimized BTF ({:?} {:?} vs {:?} {:?}); \
                 please report this",
                b.kind, b.spec, rb.outcome, rb.value, ra.outcome, ra.value
            ));
        }
    }
    Ok(())
}

/// Marks what libbpf reads of the target to reach this spec's result.
fn mark(src: &Btf, spec: &TargetSpec, subset: &mut Subset) -> crate::btf::Result<()> {
    subset.keep_type(spec.root_type_id);
    match spec.relo_kind {
        0..=5 => mark_field_path(src, spec, subset),
        ENUMVAL_EXISTS | 11 => {
            let id = src.skip_modifiers(spec.root_type_id, true)?;
            if let Some(&value) = spec.raw_spec.first() {
                subset.keep_member(id, value);
            }
            Ok(())
        }
        TYPE_MATCHES => mark_matched(src, spec.root_type_id, false, subset, &mut HashSet::new()),
        // type_exists, type_size, target_type_id compare kinds, sizes and what pointers, arrays and prototypes
        // refer to: the type and its references (kept by Subset's closure) without members.
        _ => Ok(()),
    }
}

/// The member chain of a field access: raw_spec[0] indexes the root as an array; then one member or element index
/// per level, anonymous members included.
fn mark_field_path(src: &Btf, spec: &TargetSpec, subset: &mut Subset) -> crate::btf::Result<()> {
    let mut cur = spec.root_type_id;
    for &index in spec.raw_spec.iter().skip(1) {
        let id = src.skip_modifiers(cur, true)?;
        let t = src.get(id)?;
        match t.kind() {
            Kind::Struct | Kind::Union => {
                subset.keep_member(id, index);
                let m = t.members().nth(index as usize).ok_or_else(|| {
                    crate::btf::Error(format!("type [{id}] has no member {index}"))
                })?;
                // libbpf lets an index run past a zero-length array only when it is the last member (flexible):
                // keep the real last member so the array stays exactly as flexible as in the source.
                let elem = src.skip_modifiers(m.type_id, true)?;
                if src.get(elem)?.kind() == Kind::Array && src.get(elem)?.array().nelems == 0 {
                    subset.keep_member(id, t.vlen() - 1);
                }
                cur = m.type_id;
            }
            Kind::Array => {
                subset.keep_type(id);
                cur = t.array().elem_type;
            }
            _ => return crate::btf::err(format!("type [{id}] is not a struct, union or array")),
        }
    }
    subset.keep_type(cur);
    Ok(())
}

/// What libbpf's bpf_core_types_match compares: composites member by member (by reference, behind a pointer, only
/// their kind), enums value by value, arrays and prototypes through their element and parameter types.
fn mark_matched(
    src: &Btf,
    id: u32,
    behind_ptr: bool,
    subset: &mut Subset,
    seen: &mut HashSet<(u32, bool)>,
) -> crate::btf::Result<()> {
    if id == 0 || !seen.insert((id, behind_ptr)) {
        return Ok(());
    }
    subset.keep_type(id);
    let skipped = src.skip_modifiers(id, true)?;
    let t = src.get(skipped)?;
    match t.kind() {
        Kind::Struct | Kind::Union if !behind_ptr => {
            for (i, m) in t.members().enumerate() {
                subset.keep_member(skipped, i as u32);
                mark_matched(src, m.type_id, false, subset, seen)?;
            }
        }
        Kind::Enum | Kind::Enum64 => (0..t.vlen()).for_each(|i| subset.keep_member(skipped, i)),
        Kind::Ptr => mark_matched(src, t.type_id(), true, subset, seen)?,
        Kind::Array => mark_matched(src, t.array().elem_type, behind_ptr, subset, seen)?,
        Kind::FuncProto => {
            mark_matched(src, t.type_id(), behind_ptr, subset, seen)?;
            for p in t.params() {
                mark_matched(src, p.type_id, behind_ptr, subset, seen)?;
            }
        }
        _ => subset.keep_type(skipped),
    }
    Ok(())
}
