//! Externs as libbpf resolves them at load: kconfig values (from `--kconfig`, or the running kernel's config), the
//! values libbpf computes itself (LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, ...), kernel variables (__ksym, typed
//! through BTF or untyped through kallsyms) and kfuncs. A strong extern libbpf cannot resolve fails the whole object;
//! a weak one reads as 0 and is only fatal where the verifier reaches it.

use std::collections::HashMap;

use super::code::ExternValue;
use super::kernel::KernelView;
use crate::btf::{Btf, Kind};
use crate::elf::{Extern, ObjectFile};

/// The value of every extern of `obj` on this kernel, and the object-level reasons it cannot load.
pub fn evaluate(
    obj: &ObjectFile,
    view: &KernelView,
) -> (HashMap<String, ExternValue>, Vec<String>) {
    let mut values = HashMap::new();
    let mut reasons = Vec::new();
    for e in &obj.externs {
        let value = match e.kind {
            "kconfig" => kconfig(obj.btf.as_ref(), e, view, &mut reasons),
            "kfunc" => symbol(
                e,
                view.has_func(&e.name),
                "kfunc",
                "kernel BTF",
                &mut reasons,
            ),
            "ksym" if is_typed(obj.btf.as_ref(), e) => symbol(
                e,
                view.find(&e.name, Kind::Var).is_some(),
                "typed __ksym",
                "kernel BTF",
                &mut reasons,
            ),
            "ksym" => untyped_ksym(e, view, &mut reasons),
            _ => {
                // libbpf looks every extern up in the object's BTF when it opens the object, and gives up on one
                // it cannot find there ("failed to find BTF for extern"), weak or not.
                reasons.push(format!(
                    "extern {} has no BTF in the object (a declaration never defined?): libbpf cannot open it",
                    e.name
                ));
                ExternValue::Unresolved
            }
        };
        values.insert(e.name.clone(), value);
    }
    (values, reasons)
}

fn symbol(
    e: &Extern,
    found: bool,
    what: &str,
    place: &str,
    reasons: &mut Vec<String>,
) -> ExternValue {
    match (found, e.weak) {
        (true, _) => ExternValue::Resolved,
        (false, true) => ExternValue::Unresolved,
        (false, false) => {
            reasons.push(format!("{what} {} not in {place}", e.name));
            ExternValue::Unresolved
        }
    }
}

/// An untyped `extern const void X __ksym` is an address libbpf reads from /proc/kallsyms at load.
fn untyped_ksym(e: &Extern, view: &KernelView, reasons: &mut Vec<String>) -> ExternValue {
    let found = match view.symbols {
        Some(s) => s.names.contains(&e.name),
        // Functions in BTF are text symbols, always in kallsyms; a data symbol only with CONFIG_KALLSYMS_ALL.
        None if view.has_func(&e.name) => true,
        None => !matches!(view.table.and_then(|t| t.kallsyms_data), Some(false)),
    };
    match symbol(e, found, "__ksym", "kernel symbols (kallsyms)", reasons) {
        ExternValue::Resolved => ExternValue::Address,
        other => other,
    }
}

/// Whether a __ksym extern has a type (a kernel variable found through BTF) rather than `const void`.
fn is_typed(btf: Option<&Btf>, e: &Extern) -> bool {
    let (Some(btf), Some(id)) = (btf, e.type_id) else {
        return false;
    };
    btf.skip_modifiers(id, true).is_ok_and(|t| t != 0)
}

/// libbpf's value for a kconfig extern on this kernel.
fn kconfig(
    btf: Option<&Btf>,
    e: &Extern,
    view: &KernelView,
    reasons: &mut Vec<String>,
) -> ExternValue {
    let size = btf
        .zip(e.type_id)
        .and_then(|(b, t)| b.resolve_size(t).ok())
        .unwrap_or(4) as usize;
    let number = |v: u64| ExternValue::Bytes(v.to_le_bytes()[..size.min(8)].to_vec());
    match e.name.as_str() {
        "LINUX_KERNEL_VERSION" => view
            .version
            .map_or(ExternValue::UnknownValue, |v| number(v.into())),
        // libbpf probes a tracepoint program calling bpf_get_attach_cookie.
        "LINUX_HAS_BPF_COOKIE" => view
            .helper_known("bpf_get_attach_cookie")
            .map_or(ExternValue::UnknownValue, |b| number(b.into())),
        name if name.starts_with("CONFIG_") => match view.kconfig {
            Some(config) => match config.get(name) {
                Some(text) => config_value(text, size, is_char(btf, e)),
                None if e.weak => number(0),
                None => {
                    reasons.push(format!("kconfig {name} not set"));
                    ExternValue::UnknownValue
                }
            },
            None => ExternValue::UnknownValue,
        },
        _ => ExternValue::UnknownValue,
    }
}

fn is_char(btf: Option<&Btf>, e: &Extern) -> bool {
    let Some((btf, id)) = btf.zip(e.type_id) else {
        return false;
    };
    let t = btf
        .skip_modifiers(id, true)
        .ok()
        .and_then(|t| btf.type_by_id(t));
    t.is_some_and(|t| t.kind() == Kind::Int && t.name() == "char")
}

/// A .config value as libbpf stores it: y/m/n as 1/2/0 (tristate) or as the character for a char extern,
/// numbers as numbers, strings as their bytes.
fn config_value(text: &str, size: usize, char_type: bool) -> ExternValue {
    let bytes = |v: u64| ExternValue::Bytes(v.to_le_bytes()[..size.min(8)].to_vec());
    match text {
        "y" | "m" | "n" if char_type => bytes(u64::from(text.as_bytes()[0])),
        "y" => bytes(1),
        "m" => bytes(2),
        "n" => bytes(0),
        t if t.starts_with('"') => {
            let mut b = t.trim_matches('"').as_bytes().to_vec();
            b.resize(size, 0);
            ExternValue::Bytes(b)
        }
        t => {
            let parsed = match t.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => t.parse::<i64>().ok().map(|v| v as u64),
            };
            parsed.map_or(ExternValue::UnknownValue, bytes)
        }
    }
}
