//! What the running kernel declares about itself in its BTF (/sys/kernel/btf/vmlinux): the helper ids it knows
//! (enum bpf_func_id), its program/map/attach/link type enums, and its kfuncs (functions tagged "bpf_kfunc").
//! Helper ids are UAPI and append-only, so these names agree with libbpf's table wherever both know an id; the
//! kernel's enum is still the authority on which ids exist here.

use std::ffi::OsStr;

use libbpf_rs::btf::{types, BtfKind};
use libbpf_rs::{Btf, ReferencesType};

pub const VMLINUX_BTF: &str = "/sys/kernel/btf/vmlinux";

/// An enum's values as (value, name without the C prefix).
pub type Named = Vec<(u32, String)>;

#[derive(Debug, Clone, Default)]
pub struct KernelBtf {
    /// (id, "bpf_map_lookup_elem"), id 0 excluded.
    pub helpers: Named,
    pub attach_types: Named,
    pub link_types: Named,
    /// (BTF id, name) of every kfunc.
    pub kfuncs: Named,
    /// BTF ids of the functions and typedefs program kinds are probed against (the `targets` given to `read`).
    pub targets: std::collections::HashMap<String, u32>,
}

/// Reads the running kernel's BTF; `with_kfuncs` also walks every type for "bpf_kfunc" decl tags.
/// `targets`: the names program kinds are probed against (`kinds::target_names()`), looked up when `with_kfuncs`.
pub fn read<'t>(
    with_kfuncs: bool,
    targets: impl Iterator<Item = &'t str>,
) -> Result<KernelBtf, String> {
    let btf = Btf::from_path(VMLINUX_BTF).map_err(|e| format!("{VMLINUX_BTF}: {e}"))?;
    let helpers = enum_values(&btf, "bpf_func_id", "BPF_FUNC_")
        .into_iter()
        .filter(|(id, _)| *id != 0)
        .map(|(id, name)| (id, format!("bpf_{name}")))
        .collect();
    let lower = |named: Named| -> Named {
        named
            .into_iter()
            .map(|(v, n)| (v, n.to_lowercase()))
            .collect()
    };
    Ok(KernelBtf {
        helpers,
        attach_types: lower(enum_values(&btf, "bpf_attach_type", "BPF_")),
        link_types: lower(enum_values(&btf, "bpf_link_type", "BPF_LINK_TYPE_")),
        kfuncs: if with_kfuncs {
            kfuncs(&btf)
        } else {
            Vec::new()
        },
        targets: if with_kfuncs {
            kind_targets(&btf, targets.collect())
        } else {
            Default::default()
        },
    })
}

/// The ids of the `wanted` names this BTF has (each is a function, or a typedef for BTF tracepoints). Looked up by
/// kind: a name can belong to a struct too (6.7's `struct bpf_iter_task` beside the function).
fn kind_targets(
    btf: &Btf<'_>,
    wanted: std::collections::HashSet<&str>,
) -> std::collections::HashMap<String, u32> {
    let funcs = btf
        .type_by_kind::<types::Func<'_>>()
        .filter_map(|t| Some((t.name()?.to_str()?, u32::from(t.type_id()))));
    let typedefs = btf
        .type_by_kind::<types::Typedef<'_>>()
        .filter_map(|t| Some((t.name()?.to_str()?, u32::from(t.type_id()))));
    funcs
        .chain(typedefs)
        .filter(|(name, _)| wanted.contains(name))
        .map(|(name, id)| (name.to_string(), id))
        .collect()
}

/// Members of `enum name` whose names start with `prefix` (which drops the `__MAX_...` sentinels).
fn enum_values(btf: &Btf<'_>, name: &str, prefix: &str) -> Named {
    let Some(e) = btf.type_by_name::<types::Enum<'_>>(name) else {
        return Vec::new();
    };
    let mut values: Named = e
        .iter()
        .filter_map(|m| {
            let member = m.name?.to_str()?.strip_prefix(prefix)?;
            Some((u32::try_from(m.value).ok()?, member.to_string()))
        })
        .collect();
    // Aliases (BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED = BPF_MAP_TYPE_CGROUP_STORAGE): keep the first name.
    values.sort_by_key(|(v, _)| *v);
    values.dedup_by_key(|(v, _)| *v);
    values
}

/// Functions carrying the "bpf_kfunc" declaration tag that `__bpf_kfunc` puts on every kfunc (pahole ≥ 1.26).
fn kfuncs(btf: &Btf<'_>) -> Named {
    let mut out: Named = btf
        .type_by_kind::<types::DeclTag<'_>>()
        .filter(|tag| {
            tag.name() == Some(OsStr::new("bpf_kfunc")) && tag.component_index().is_none()
        })
        .filter_map(|tag| {
            let func = tag.referenced_type();
            if func.kind() != BtfKind::Func {
                return None;
            }
            Some((
                u32::from(func.type_id()),
                func.name()?.to_str()?.to_string(),
            ))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.1 == b.1);
    out
}
