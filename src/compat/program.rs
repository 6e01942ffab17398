//! Will the kernel load this program? What BTF says (program, attach and map types, helpers, kfuncs and the
//! functions tracing programs name), what the nearest kernel's feature table says (which program kinds load, which
//! helpers and kfuncs a program type may call), and the rules the verifier applies to every kernel (spin locks in
//! tracing programs, bpf_d_path's allow list, which functions fmod_ret may change).

use std::collections::HashMap;

use super::code::{ExternValue, Reach};
use super::kernel::KernelView;
use crate::elf::helpers::HELPER_NAMES;
use crate::elf::{sec_defs, InsnRef, Program};

/// The kind of program as libbpf's section table names it ("fentry", "tp_btf", "uprobe.s", "xdp.frags"...).
pub fn kind_of(p: &Program) -> &'static str {
    let section = p.section.strip_prefix('?').unwrap_or(&p.section);
    sec_defs::find(section).map_or("", |m| m.def.pattern)
}

/// How every reason that the kernel refuses program `p`'s kind begins, whichever probe found it (this kernel's
/// table, the running kernel's own probe): the live probe adds none where the table said it.
pub fn kind_refused(p: &Program) -> String {
    format!("{} programs ({}) refused by the", kind_of(p), p.prog_type)
}

/// The kind the feature tables answer for `p`: fmod_ret on an LSM hook works wherever fmod_ret does, on any other
/// function only where the kernel has error-injection points.
fn table_kind<'k>(p: &Program, kind: &'k str) -> &'k str {
    let target = p.attach_target.as_deref().unwrap_or("");
    match kind {
        "fmod_ret" | "fmod_ret.s" if !target.starts_with("security_") => "fmod_ret@error_injection",
        _ => kind,
    }
}

/// What the feature tables and probes key `p`'s helpers and kfuncs by: its kind for the types that need an attach
/// target (tp_btf, fentry, lsm...), its program type otherwise.
pub fn call_key(p: &Program) -> &'static str {
    if needs_target(p.prog_type) {
        kind_of(p)
    } else {
        p.prog_type
    }
}

/// Program types the kernel only loads with an attach target (a BTF id), probed per kind rather than per type.
fn needs_target(prog_type: &str) -> bool {
    matches!(prog_type, "tracing" | "lsm" | "ext" | "struct_ops")
}

/// Program types whose expected attach type the kernel checks at load (bpf_prog_load_check_attach): an attach
/// type the kernel does not know makes the load fail.
fn attach_type_checked(prog_type: &str) -> bool {
    matches!(
        prog_type,
        "cgroup_sock"
            | "cgroup_sock_addr"
            | "cgroup_skb"
            | "cgroup_sockopt"
            | "sk_lookup"
            | "sk_reuseport"
            | "tracing"
            | "lsm"
            | "netfilter"
    )
}

/// kprobe, tracepoint, perf_event and raw tracepoint programs may not use bpf_spin_lock or bpf_timer (the
/// verifier's is_tracing_prog_type), nor socket filters a spin lock.
fn special_fields_refused(prog_type: &str, field: &str) -> bool {
    match prog_type {
        "kprobe" | "tracepoint" | "perf_event" | "raw_tracepoint" | "raw_tracepoint_writable" => {
            true
        }
        "socket_filter" => field == "bpf_spin_lock",
        _ => false,
    }
}

/// Functions bpf_d_path may be called from (the kernel's btf_allowlist_d_path), besides iterators and LSM hooks.
const D_PATH_ALLOWED: &[&str] = &[
    "security_file_permission",
    "security_inode_getattr",
    "security_file_open",
    "security_path_truncate",
    "vfs_truncate",
    "vfs_fallocate",
    "dentry_open",
    "vfs_getattr",
    "filp_close",
];

/// Error-injection points (fmod_ret and sleepable fentry may use them where the kernel has
/// CONFIG_FUNCTION_ERROR_INJECTION). Syscall entry points are on the list in some builds only: none of the matrix
/// kernels lets fmod_ret change __x64_sys_openat, so they are not counted.
const ERROR_INJECTABLE: &[&str] = &[
    "should_failslab",
    "should_fail_alloc_page",
    "should_fail_bio",
    "bpf_modify_return_test",
];

/// What the program needs from the kernel's BTF to load: (kind of BTF type, name).
fn load_target(p: &Program, kind: &str) -> Option<(crate::btf::Kind, String)> {
    use crate::btf::Kind;
    let target = p.attach_target.as_deref()?;
    let target = target.rsplit(':').next().unwrap_or(target);
    match (p.prog_type, kind) {
        ("tracing", "tp_btf") => Some((Kind::Typedef, format!("btf_trace_{target}"))),
        ("tracing", "iter" | "iter.s") => Some((Kind::Func, format!("bpf_iter_{target}"))),
        ("tracing", _) => Some((Kind::Func, target.to_string())),
        ("lsm", _) => Some((Kind::Func, format!("bpf_lsm_{target}"))),
        _ => None,
    }
}

/// Everything that would make the kernel refuse `p`, in words.
pub fn load_refusals(
    p: &Program,
    view: &KernelView,
    reach: &Reach,
    externs: &HashMap<String, ExternValue>,
    special_maps: &[(String, &'static str)],
) -> Vec<String> {
    let kind = kind_of(p);
    let mut reasons = type_refusals(p, kind, view);
    reasons.extend(target_refusals(p, kind, view));
    reasons.extend(ctx_refusals(p, kind, view, reach));
    reasons.extend(call_refusals(p, kind, view, reach, externs));
    if let Some((f, at)) = reach.pointer_alu(p).first() {
        reasons.push(format!(
            "instruction {at} of {f} applies a bitwise or 32-bit operator to a pointer, which the verifier \
             refuses (clang can compile `bpf_ksym_exists(x) || y` so)"
        ));
    }
    if let Some((at, _)) = reach.modified_ctx(p) {
        reasons.push(format!(
            "instruction {at} dereferences the context through a pointer moved by arithmetic (\"dereference of \
             modified ctx ptr\"), which every kernel's verifier refuses"
        ));
    }
    for (map, field) in special_maps {
        if p.maps.contains(map) && special_fields_refused(p.prog_type, field) {
            reasons.push(format!(
                "map {map} holds a {field}, which {} programs may not use",
                p.prog_type
            ));
        }
    }
    reasons
}

fn type_refusals(p: &Program, kind: &str, view: &KernelView) -> Vec<String> {
    let mut reasons = Vec::new();
    let probed_on = view.table.map_or("", |t| t.release);
    let type_value = format!("BPF_PROG_TYPE_{}", p.prog_type.to_uppercase());
    if p.prog_type == "unspec" {
        reasons.push(format!(
            "section {} names no program type libbpf knows",
            p.section
        ));
    } else if let Some(false) = view.enum_has("bpf_prog_type", &type_value) {
        reasons.push(format!("program type {} unknown to kernel", p.prog_type));
    } else if let Some(t) = view.table {
        // Types that need an attach target are asked per kind: this kernel may take tp_btf but not fentry.
        let verdict = match t.prog_type(p.prog_type) {
            Some(false) if !needs_target(p.prog_type) => Some(false),
            _ => t.kind(table_kind(p, kind)),
        };
        if verdict == Some(false) {
            reasons.push(format!(
                "{} kernel (probed on {probed_on})",
                kind_refused(p)
            ));
        }
    }
    if let (true, Some(at)) = (attach_type_checked(p.prog_type), p.expected_attach_type) {
        let value = format!("BPF_{}", at.to_uppercase());
        if let Some(false) = view.enum_has("bpf_attach_type", &value) {
            reasons.push(format!("attach type {at} unknown to kernel"));
        }
    }
    if kind == "xdp.frags"
        && view
            .find("xdp_buff_flags", crate::btf::Kind::Enum)
            .is_none()
    {
        reasons.push(
            "xdp.frags: the kernel has no multi-buffer XDP (BPF_F_XDP_HAS_FRAGS, 5.18)".into(),
        );
    }
    reasons
}

fn target_refusals(p: &Program, kind: &str, view: &KernelView) -> Vec<String> {
    let mut reasons = Vec::new();
    if needs_target(p.prog_type) && p.prog_type != "struct_ops" && p.attach_target.is_none() {
        reasons.push(format!(
            "section {} names no attach target (its loader would set one)",
            p.section
        ));
        return reasons;
    }
    if p.prog_type == "ext" {
        // freplace replaces a function of another BPF program, which only its loader can name (attach_prog_fd):
        // libbpf refuses the object on its own ("attach program FD is not set").
        reasons.push(format!(
            "freplace: {}() belongs to another BPF program, which only the object's loader can name \
             (attach_prog_fd); the object does not load on its own",
            p.attach_target.as_deref().unwrap_or("?")
        ));
        return reasons;
    }
    if let Some((btf_kind, name)) = load_target(p, kind) {
        if view.find(&name, btf_kind).is_none() {
            reasons.push(format!("attach target {name} not in kernel BTF"));
            return reasons;
        }
    }
    let target = p.attach_target.as_deref().unwrap_or("");
    let injectable = ERROR_INJECTABLE.contains(&target);
    if matches!(kind, "fmod_ret" | "fmod_ret.s") && !injectable && !target.starts_with("security_")
    {
        reasons.push(format!(
            "fmod_ret: {target}() is not modifiable (neither an LSM hook nor a known error-injection point)"
        ));
    }
    if matches!(kind, "fentry.s" | "fexit.s") && !injectable {
        reasons.push(format!(
            "{kind}: {target}() cannot take sleepable programs (not a known error-injection point)"
        ));
    }
    reasons
}

/// How many 8-byte argument slots a tracing program's context has on this kernel: the target's parameters (a BTF
/// tracepoint's typedef adds a leading `void *__data`), plus the return value for fexit and fmod_ret.
fn ctx_slots(p: &Program, kind: &str, view: &KernelView) -> Option<usize> {
    use crate::btf::Kind;
    let (btf_kind, name) = load_target(p, kind)?;
    let btf = view.btf;
    let mut id = view.find(&name, btf_kind)?;
    for _ in 0..4 {
        let t = btf.type_by_id(btf.skip_modifiers(id, true).ok()?)?;
        match t.kind() {
            Kind::FuncProto => {
                let params = t.vlen() as usize;
                return Some(match kind {
                    "tp_btf" => params.saturating_sub(1),
                    "fexit" | "fexit.s" | "fmod_ret" | "fmod_ret.s" => params + 1,
                    _ => params,
                });
            }
            Kind::Func | Kind::Ptr => id = t.type_id(),
            _ => return None,
        }
    }
    None
}

/// A tracing program may only read as many arguments as its target has here (the verifier's btf_ctx_access):
/// tools that pick the argument by kernel version read past the end where the version check is wrong.
fn ctx_refusals(p: &Program, kind: &str, view: &KernelView, reach: &Reach) -> Option<String> {
    if !matches!(
        kind,
        "tp_btf" | "fentry" | "fexit" | "fmod_ret" | "fentry.s" | "fexit.s" | "fmod_ret.s"
    ) {
        return None;
    }
    let slots = ctx_slots(p, kind, view)? as i64;
    let (off, _) = reach
        .ctx_loads_through_calls(p)
        .into_iter()
        .filter(|(off, _)| *off >= slots * 8 || *off < 0)
        .min()?;
    Some(format!(
        "reads argument {} of {}, which has {slots} argument slot(s) on this kernel",
        off / 8,
        p.attach_target.as_deref().unwrap_or("?")
    ))
}

/// Where the verifier's check of bpf_get_func_ip passes: kprobe-type programs and trampolines.
fn func_ip_allowed(p: &Program, kind: &str) -> bool {
    p.prog_type == "kprobe"
        || (p.prog_type == "tracing"
            && matches!(kind.trim_end_matches(".s"), "fentry" | "fexit" | "fmod_ret"))
}

/// Helpers and kfuncs the program calls on reachable paths, and what every loaded instruction needs.
fn call_refusals(
    p: &Program,
    kind: &str,
    view: &KernelView,
    reach: &Reach,
    externs: &HashMap<String, ExternValue>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let probed_on = view.table.map_or("", |t| t.release);
    let table_key = call_key(p);
    for (_, r) in reach.reached_refs(p) {
        match r {
            InsnRef::Helper(id) => {
                let name = HELPER_NAMES
                    .get(*id as usize)
                    .map_or_else(|| format!("helper #{id}"), |n| n.to_string());
                if let Some(false) = view.helper_known(&name) {
                    push_once(&mut reasons, format!("helper {name} unknown to kernel"));
                } else if view.table.and_then(|t| t.helper(table_key, *id)) == Some(false)
                    && !iter_target_grants(p, kind, &name, view)
                {
                    push_once(
                        &mut reasons,
                        format!("helper {name} not available to {table_key} programs (probed on {probed_on})"),
                    );
                } else if super::license::is_gpl_only(*id)
                    && !super::license::is_gpl_compatible(p.license.as_deref())
                {
                    push_once(
                        &mut reasons,
                        format!(
                            "helper {name} is GPL-only, and the license \"{}\" is not GPL-compatible",
                            p.license.as_deref().unwrap_or("")
                        ),
                    );
                } else if name == "bpf_get_func_ip" && !func_ip_allowed(p, kind) {
                    // The helper is in every tracing type's list (so `feature probe` lists it), but the
                    // verifier's own check takes it only where a function address exists.
                    push_once(
                        &mut reasons,
                        format!(
                            "helper bpf_get_func_ip works only in kprobe/uprobe and fentry/fexit/fmod_ret \
                             programs, not {kind}"
                        ),
                    );
                } else if name == "bpf_d_path" && d_path_refused(p, kind) {
                    push_once(
                        &mut reasons,
                        format!(
                            "helper bpf_d_path not allowed in a {kind} program on {}",
                            p.attach_target.as_deref().unwrap_or("?")
                        ),
                    );
                }
            }
            InsnRef::Kfunc(name) => match externs.get(name) {
                Some(ExternValue::Unresolved) => push_once(
                    &mut reasons,
                    format!("kfunc {name} not in kernel BTF, and its call is reached"),
                ),
                _ => {
                    if let Some(false) = view.table.and_then(|t| {
                        let i = super::tables::KFUNC_NAMES
                            .binary_search(&name.as_str())
                            .ok()?;
                        t.kfunc_at(table_key, i)
                    }) {
                        push_once(
                            &mut reasons,
                            format!("kfunc {name} not callable from {table_key} programs (probed on {probed_on})"),
                        );
                    }
                }
            },
            _ => {}
        }
    }
    reasons.extend(loaded_refusals(p, view, reach, externs));
    reasons
}

/// What the kernel checks on every instruction libbpf hands it, reached or not: kfunc calls and callbacks need
/// 5.13, a kernel variable needs its address in kallsyms.
fn loaded_refusals(
    p: &Program,
    view: &KernelView,
    reach: &Reach,
    externs: &HashMap<String, ExternValue>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let no_calls = view.has_kfunc_calls() == Some(false);
    let kallsyms_data = match view.symbols {
        Some(s) => Some(s.has_data),
        None => view.table.and_then(|t| t.kallsyms_data),
    };
    for f in reach.loaded(p) {
        for (_, r) in &f.refs {
            match r {
                InsnRef::Kfunc(name)
                    if no_calls && externs.get(name) == Some(&ExternValue::Resolved) =>
                {
                    push_once(
                        &mut reasons,
                        format!("calls kfunc {name}, but this kernel cannot call kernel functions (5.13)"),
                    );
                }
                InsnRef::FuncAddr(name) if no_calls => push_once(
                    &mut reasons,
                    format!("passes {name} as a callback, which this kernel cannot (5.13)"),
                ),
                InsnRef::Extern(name)
                    if kallsyms_data == Some(false)
                        && externs.get(name) == Some(&ExternValue::Resolved)
                        && !view.has_func(name)
                        && view.find(name, crate::btf::Kind::Var).is_some() =>
                {
                    push_once(
                        &mut reasons,
                        format!(
                            "kernel variable {name}: kallsyms lists no data symbols here, so the verifier cannot \
                             find its address"
                        ),
                    );
                }
                _ => {}
            }
        }
    }
    reasons
}

fn d_path_refused(p: &Program, kind: &str) -> bool {
    p.prog_type == "tracing"
        && !matches!(kind, "iter" | "iter.s")
        && !D_PATH_ALLOWED.contains(&p.attach_target.as_deref().unwrap_or(""))
}

/// Iterator targets with a helper list of their own (bpf_iter_reg's get_func_proto): tcp and unix (not on 5.10,
/// both on 6.1) add bpf_setsockopt and bpf_getsockopt to what every iterator has (bpftune's congestion control
/// probe). The kernel's table is probed with a task iterator, so the target's own list is read from BTF, where its
/// function `bpf_iter_<target>_get_func_proto` is present exactly when the kernel has it.
fn iter_target_grants(p: &Program, kind: &str, helper: &str, view: &KernelView) -> bool {
    let target = p.attach_target.as_deref().unwrap_or("");
    matches!(kind, "iter" | "iter.s")
        && matches!(target, "tcp" | "unix")
        && matches!(helper, "bpf_setsockopt" | "bpf_getsockopt")
        && view.has_func(&format!("bpf_iter_{target}_get_func_proto"))
}

fn push_once(reasons: &mut Vec<String>, r: String) {
    if !reasons.contains(&r) {
        reasons.push(r);
    }
}
