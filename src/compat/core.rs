//! CO-RE relocation resolution against a target BTF, after libbpf's relo_core.c: candidates are target types whose
//! essential name (name up to `___`) and kind match the local root type; a field access spec is matched member by
//! member by essential name, descending through anonymous members as bpf_core_match_member does. No CLI knowledge.

use serde::Serialize;

use crate::btf::{Btf, Kind};

/// What a relocation becomes on the target kernel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Resolved to `value`.
    Resolved,
    /// An existence check that is false on the target: fine, the program's guard takes the other branch.
    Guarded,
    /// Cannot be satisfied: libbpf poisons the instruction and the verifier rejects it if reachable.
    Poisoned,
    /// Several candidates give different values: libbpf refuses to load.
    Ambiguous,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    pub candidates: usize,
}

/// libbpf's bpf_core_essential_name_len: `task_struct___old` matches `task_struct`.
pub fn essential_name(name: &str) -> &str {
    match name.rfind("___") {
        Some(i) => &name[..i],
        None => name,
    }
}

fn kinds_compatible(a: Kind, b: Kind) -> bool {
    a == b
        || matches!(
            (a, b),
            (Kind::Enum, Kind::Enum64) | (Kind::Enum64, Kind::Enum)
        )
}

/// Target type ids whose essential name and kind match the local type (bpf_core_add_cands).
fn candidates(local: &Btf, local_id: u32, target: &Btf) -> Vec<u32> {
    let Ok(lt) = local.get(local_id) else {
        return Vec::new();
    };
    let ess = essential_name(lt.name());
    if ess.is_empty() {
        return Vec::new();
    }
    (1..target.type_count())
        .filter(|&id| {
            target.type_by_id(id).is_some_and(|t| {
                kinds_compatible(lt.kind(), t.kind()) && essential_name(t.name()) == ess
            })
        })
        .collect()
}

/// One step of a field access: a member (by name) or an array index.
enum Step<'a> {
    Member(&'a str),
    Index(u64),
}

/// Turns the local access string into named steps (anonymous members are skipped: the target search descends
/// through anonymous members on its own, as bpf_core_spec_match does).
fn local_steps<'a>(local: &'a Btf, root: u32, access: &str) -> Option<Vec<Step<'a>>> {
    let idx: Vec<u64> = access
        .split(':')
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let mut steps = vec![Step::Index(*idx.first()?)];
    let mut id = local.skip_modifiers(root, true).ok()?;
    for &i in &idx[1..] {
        let t = local.get(id).ok()?;
        match t.kind() {
            Kind::Struct | Kind::Union => {
                let m = t.members().nth(i as usize)?;
                if !m.name.is_empty() {
                    steps.push(Step::Member(m.name));
                }
                id = local.skip_modifiers(m.type_id, true).ok()?;
            }
            Kind::Array => {
                steps.push(Step::Index(i));
                id = local.skip_modifiers(t.array().elem_type, true).ok()?;
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// Finds member `name` in composite `id`, through anonymous members: (bit offset, member type, bitfield size).
fn find_member(btf: &Btf, id: u32, name: &str, depth: usize) -> Option<(u64, u32, u32)> {
    let t = btf.get(id).ok()?;
    if depth > 32 || !matches!(t.kind(), Kind::Struct | Kind::Union) {
        return None;
    }
    for m in t.members() {
        let mid = btf.skip_modifiers(m.type_id, true).ok()?;
        if m.name.is_empty() {
            if let Some((off, ty, bits)) = find_member(btf, mid, name, depth + 1) {
                return Some((m.bit_offset as u64 + off, ty, bits));
            }
        } else if essential_name(m.name) == essential_name(name) {
            return Some((m.bit_offset as u64, mid, m.bitfield_size));
        }
    }
    None
}

/// The matched field in the target: bit offset from the root, type, bitfield size.
fn match_field(target: &Btf, cand: u32, steps: &[Step]) -> Option<(u64, u32, u32)> {
    let mut id = target.skip_modifiers(cand, true).ok()?;
    let root_size = target.resolve_size(id).ok()?;
    let mut bit_off = 0u64;
    let mut bits = 0;
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Index(i) if n == 0 => bit_off += i * root_size * 8,
            Step::Index(i) => {
                let t = target.get(id).ok()?;
                if t.kind() != Kind::Array {
                    return None;
                }
                let elem = target.skip_modifiers(t.array().elem_type, true).ok()?;
                bit_off += i * target.resolve_size(elem).ok()? * 8;
                id = elem;
            }
            Step::Member(name) => {
                let (off, ty, b) = find_member(target, id, name, 0)?;
                bit_off += off;
                id = ty;
                bits = b;
            }
        }
    }
    Some((bit_off, id, bits))
}

/// The value of a field relocation for a matched field (bpf_core_calc_field_relo, non-bitfield and bitfield).
fn field_value(target: &Btf, kind: &str, (bit_off, ty, bits): (u64, u32, u32)) -> Option<u64> {
    let size = target.resolve_size(ty).ok()?;
    let t = target.get(ty).ok()?;
    let signed = t.kind() == Kind::Int && t.int_info().encoding & 1 != 0
        || matches!(t.kind(), Kind::Enum | Kind::Enum64) && t.kflag();
    if bits == 0 {
        return Some(match kind {
            "byte_off" => bit_off / 8,
            "byte_sz" => size,
            "field_exists" => 1,
            "signed" => signed as u64,
            "lshift_u64" => 64 - size * 8,
            "rshift_u64" => 64 - size * 8,
            _ => return None,
        });
    }
    // Bitfield: libbpf loads the smallest aligned power-of-two window holding the bits.
    let mut byte_sz = size.max(1);
    let mut byte_off = bit_off / 8 / byte_sz * byte_sz;
    while bit_off + bits as u64 - byte_off * 8 > byte_sz * 8 {
        if byte_sz >= 8 {
            return None;
        }
        byte_sz *= 2;
        byte_off = bit_off / 8 / byte_sz * byte_sz;
    }
    let bit_in_window = bit_off - byte_off * 8;
    Some(match kind {
        "byte_off" => byte_off,
        "byte_sz" => byte_sz,
        "field_exists" => 1,
        "signed" => signed as u64,
        "lshift_u64" => 64 - (bit_in_window + bits as u64),
        "rshift_u64" => 64 - bits as u64,
        _ => return None,
    })
}

fn enum_value(local: &Btf, root: u32, access: &str, target: &Btf, cand: u32) -> Option<u64> {
    let i: usize = access.parse().ok()?;
    let name = local.get(root).ok()?.enum_values().nth(i)?.name;
    let t = target.get(cand).ok()?;
    t.enum_values()
        .find(|v| essential_name(v.name) == essential_name(name))
        .map(|v| v.value)
}

/// Resolves one relocation of kind `kind` (libbpf's name) on local type `root` with `access` against `target`.
pub fn resolve(local: &Btf, root: u32, kind: &str, access: &str, target: &Btf) -> Resolution {
    let exists_kind = matches!(
        kind,
        "field_exists" | "type_exists" | "type_matches" | "enumval_exists"
    );
    let cands = candidates(local, root, target);
    let mut values: Vec<u64> = Vec::new();
    for &c in &cands {
        let v = match kind {
            "local_type_id" => Some(root as u64),
            "target_type_id" => Some(c as u64),
            "type_exists" | "type_matches" => Some(1),
            "type_size" => target.resolve_size(c).ok(),
            "enumval_exists" => enum_value(local, root, access, target, c).map(|_| 1),
            "enumval_value" => enum_value(local, root, access, target, c),
            _ => local_steps(local, root, access)
                .and_then(|s| match_field(target, c, &s))
                .and_then(|f| field_value(target, kind, f)),
        };
        if let Some(v) = v {
            values.push(v);
        }
    }
    // local_type_id never consults the target.
    if kind == "local_type_id" {
        return Resolution {
            outcome: Outcome::Resolved,
            value: Some(root as u64),
            candidates: cands.len(),
        };
    }
    values.sort_unstable();
    values.dedup();
    let (outcome, value) = match values.as_slice() {
        [] if exists_kind => (Outcome::Guarded, Some(0)),
        [] => (Outcome::Poisoned, None),
        [v] => (Outcome::Resolved, Some(*v)),
        // Target type ids differ per candidate by nature; libbpf only compares the relocated values.
        [v, ..] if kind == "target_type_id" => (Outcome::Ambiguous, Some(*v)),
        _ => (Outcome::Ambiguous, None),
    };
    Resolution {
        outcome,
        value,
        candidates: cands.len(),
    }
}
