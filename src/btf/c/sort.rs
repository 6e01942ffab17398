//! The order `bpftool btf dump ... format c` (7.6 and later) emits types in, so a vmlinux.h does not change when
//! only type ids move between kernel builds: by a rank of the kind (enums, then named enums, ints and floats,
//! structs and unions, function prototypes, everything anonymous last), then a sort name (the name of the type a
//! typedef or pointer leads to; an anonymous enum's first enumerator), the type's own name, a hash of the names it
//! is made of, and the id. bpftool then skips the first type of that order (its loop starts at 1 as if the first
//! were void); ebpfctl emits every type, which is the only difference (tests/btf_dump_live.rs shows it).

use std::cmp::Ordering;

use super::super::types::Kind;
use super::super::{Btf, MAX_DEPTH};

/// Rank given to anonymous structs, unions and prototypes and to everything without a name.
const MAX_RANK: u32 = 10;

/// Every type id of `btf` (base types of split BTF included, void too) in bpftool's sorted order.
pub fn sorted_ids(btf: &Btf) -> Vec<u32> {
    // (sort name, own name) by id; the sort moves only (major, id) pairs, 16 bytes instead of a 56-byte key.
    let names: Vec<(&str, &str)> = (0..btf.type_count())
        .map(|id| {
            let own = btf.type_by_id(id).map_or("", |t| t.name());
            (sort_name(btf, id, false, 0), own)
        })
        .collect();
    let order: Vec<(u64, u32)> = (0..btf.type_count())
        .map(|id| (major(rank(btf, id, false, 0), names[id as usize].0), id))
        .collect();
    let by_names = |a: &(u64, u32), b: &(u64, u32)| {
        let (x, y) = (names[a.1 as usize], names[b.1 as usize]);
        a.0.cmp(&b.0)
            .then_with(|| cmp_name(x.0, y.0))
            .then_with(|| cmp_name(x.1, y.1))
    };
    // Types with neither a sort name nor a name of their own (36,731 of vmlinux's 125,828) tie on names with each
    // other: they are sorted apart by integers alone and merged in, instead of looking up names in every
    // comparison.
    // Sized up front: grown by doubling, the two halves were copied ~2 MB over in reallocations.
    let (mut nameless, mut named) = (
        Vec::with_capacity(order.len()),
        Vec::with_capacity(order.len()),
    );
    for key in order {
        if names[key.1 as usize] == ("", "") {
            nameless.push(key);
        } else {
            named.push(key);
        }
    }
    nameless.sort_unstable();
    named.sort_unstable_by(|a, b| by_names(a, b).then(a.1.cmp(&b.1)));
    let mut order = Vec::with_capacity(named.len() + nameless.len());
    let (mut a, mut b) = (
        named.into_iter().peekable(),
        nameless.into_iter().peekable(),
    );
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if by_names(x, y).then(x.1.cmp(&y.1)).is_le() {
            a.next()
        } else {
            b.next()
        };
        order.extend(next);
    }
    order.extend(a);
    order.extend(b);
    // The hash orders only types whose rank and names are equal, so it is computed for those alone: hashing
    // every struct's members was half of `format c` on vmlinux, and most named types have a name of their own.
    let mut start = 0;
    while start < order.len() {
        let head = order[start];
        let len = order[start..]
            .iter()
            .position(|k| by_names(k, &head).is_ne())
            .unwrap_or(order.len() - start);
        let group = &mut order[start..start + len];
        if group.len() > 1 {
            let mut hashed: Vec<(u64, u32)> = group
                .iter()
                .map(|&(_, id)| (disambig_hash(btf, id, true, 0), id))
                .collect();
            hashed.sort_unstable();
            for (slot, (_, id)) in group.iter_mut().zip(hashed) {
                slot.1 = id;
            }
        }
        start += len;
    }
    order.into_iter().map(|(_, id)| id).collect()
}

/// `a.cmp(b)`, eight bytes at a time: musl's memcmp goes byte by byte, and names compared in the sort share
/// ~20 bytes on average. Names are deduplicated in the string section, so equal names are mostly the very same
/// bytes, found equal at once.
fn cmp_name(a: &str, b: &str) -> Ordering {
    if std::ptr::eq(a, b) {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let (x, y) = (be_word(&a[i..i + 8]), be_word(&b[i..i + 8]));
        if x != y {
            return x.cmp(&y);
        }
        i += 8;
    }
    a[i..].iter().cmp(b[i..].iter())
}

fn be_word(bytes: &[u8]) -> u64 {
    u64::from_be_bytes(bytes.try_into().unwrap_or_default())
}

/// The rank and the first 7 bytes of the sort name as one integer, so that most comparisons are of integers
/// (names have no NUL, so zero padding orders a shorter name first, as comparing the strings does).
fn major(rank: u32, sort_name: &str) -> u64 {
    let mut prefix = [0u8; 8];
    prefix[0] = rank as u8;
    let head = &sort_name.as_bytes()[..sort_name.len().min(7)];
    prefix[1..1 + head.len()].copy_from_slice(head);
    u64::from_be_bytes(prefix)
}

/// Modifiers, typedefs, pointers and decl tags: sorted by what they lead to.
fn leads_on(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::TypeTag
            | Kind::Const
            | Kind::Ptr
            | Kind::Volatile
            | Kind::Restrict
            | Kind::Typedef
            | Kind::DeclTag
    )
}

fn rank(btf: &Btf, id: u32, has_name: bool, depth: usize) -> u32 {
    let Some(t) = btf.type_by_id(id).filter(|_| depth < MAX_DEPTH) else {
        return MAX_RANK;
    };
    let has_name = has_name || t.name_off() != 0;
    match t.kind() {
        Kind::Enum | Kind::Enum64 => u32::from(has_name),
        Kind::Int | Kind::Float => 2,
        Kind::Struct | Kind::Union if has_name => 3,
        Kind::FuncProto if has_name => 4,
        Kind::Array if has_name => rank(btf, t.array().elem_type, true, depth + 1),
        k if leads_on(k) && has_name => rank(btf, t.type_id(), true, depth + 1),
        _ => MAX_RANK,
    }
}

fn sort_name(btf: &Btf, id: u32, from_ref: bool, depth: usize) -> &str {
    let Some(t) = btf.type_by_id(id).filter(|_| depth < MAX_DEPTH) else {
        return "";
    };
    match t.kind() {
        Kind::Enum | Kind::Enum64 if !from_ref && t.name_off() == 0 => {
            t.enum_values().next().map_or("", |v| v.name)
        }
        Kind::Array => sort_name(btf, t.array().elem_type, true, depth + 1),
        k if leads_on(k) => sort_name(btf, t.type_id(), true, depth + 1),
        _ => t.name(),
    }
}

fn hasher(hash: u64, v: u64) -> u64 {
    hash.wrapping_mul(31).wrapping_add(v)
}

/// libbpf's str_hash, over C `char`s (signed on the machines bpftool is built for).
fn str_hash(s: &str) -> u64 {
    s.bytes()
        .fold(0u64, |h, c| hasher(h, c as i8 as i64 as u64))
}

fn name_hash(hash: u64, name_off: u32, name: &str) -> u64 {
    if name_off == 0 {
        hash
    } else {
        hasher(hash, str_hash(name))
    }
}

/// Tells apart types with equal names: their members' and enumerators' names, array lengths, and (one level into
/// members) the names of the types they use.
fn disambig_hash(btf: &Btf, id: u32, members: bool, depth: usize) -> u64 {
    let Some(t) = btf.type_by_id(id).filter(|_| depth < MAX_DEPTH) else {
        return 0;
    };
    let hash = name_hash(0, t.name_off(), t.name());
    match t.kind() {
        Kind::Enum | Kind::Enum64 => t
            .enum_values()
            .fold(hash, |h, v| name_hash(h, v.name_off, v.name)),
        Kind::Struct | Kind::Union if members => t.members().fold(hash, |h, m| {
            let h = name_hash(h, m.name_off, m.name);
            hasher(h, disambig_hash(btf, m.type_id, false, depth + 1))
        }),
        Kind::Array => {
            let a = t.array();
            let h = hasher(hash, u64::from(a.nelems));
            hasher(h, disambig_hash(btf, a.elem_type, members, depth + 1))
        }
        k if leads_on(k) => hasher(hash, disambig_hash(btf, t.type_id(), members, depth + 1)),
        _ => hash,
    }
}

#[cfg(test)]
mod tests {
    /// Word-at-a-time comparison agrees with `str::cmp` on prefixes, lengths around the eight-byte steps,
    /// differences in every position and non-ASCII bytes.
    #[test]
    fn cmp_name_orders_as_str_cmp() {
        let mut names = vec![String::new()];
        for len in 1..20 {
            let base: String = (0..len).map(|i| char::from(b'a' + i as u8)).collect();
            for at in 0..len {
                let mut bytes = base.clone().into_bytes();
                bytes[at] = b'a';
                names.push(String::from_utf8(bytes).unwrap());
            }
            names.push(format!("{base}é"));
            names.push(base);
        }
        for a in &names {
            for b in &names {
                assert_eq!(super::cmp_name(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
