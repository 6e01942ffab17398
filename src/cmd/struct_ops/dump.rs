//! `struct_ops dump [id N | name NAME | pinned LINK]`, as bpftool: for each struct_ops map, its whole
//! `struct bpf_map_info` and its value (vmlinux's `bpf_struct_ops_<struct>`: the common header and the kernel
//! struct) formatted through the kernel's BTF, as two objects of one array. A function pointer of the struct
//! holds the id of the program registered for it (the kernel puts it there on lookup) and prints as the
//! function's type followed by the program's name and id, as bpftool prints it.

use std::os::fd::AsFd;

use serde_json::Value;

use crate::btf::{Btf, Kind};
use crate::cli::StructOpsSelector;
use crate::cmd::select::names::BtfCache;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::lifecycle::StructOpsDump;
use crate::sys::bpf::{self, ObjKind};

pub fn run(ctx: &Context, selector: Option<&StructOpsSelector>) -> CmdResult {
    let ids = super::selected_ids(selector)?;
    let data = std::fs::read("/sys/kernel/btf/vmlinux").map_err(|e| {
        Error::from_io(
            "/sys/kernel/btf/vmlinux",
            &e,
            "struct_ops needs the kernel's BTF",
        )
    })?;
    let vmlinux = Btf::parse(&data)
        .map_err(|e| Error::new(ErrorKind::Kernel, "/sys/kernel/btf/vmlinux", e.to_string()))?;
    let info_type = vmlinux
        .find_by_name("bpf_map_info", Kind::Struct)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Unsupported,
                "/sys/kernel/btf/vmlinux",
                "no struct bpf_map_info",
            )
        })?;
    let mut progs = BtfCache::default();
    let mut items = Vec::new();
    for id in ids {
        match dump_one(id, &vmlinux, info_type, &mut progs) {
            Ok(pair) => items.extend(pair),
            // A map gone between the walk and the open is not an error of a listing.
            Err(_) if selector.is_none() => {}
            Err(e) => return Err(e),
        }
    }
    show(ctx, &StructOpsDump(items))?;
    Ok(Outcome::Success)
}

/// The two objects bpftool prints for one map: {"bpf_map_info": ...} and {"bpf_struct_ops_X": ...}.
fn dump_one(id: u32, vmlinux: &Btf, info_type: u32, progs: &mut BtfCache) -> Result<[Value; 2]> {
    let label = format!("map id {id}");
    let fd =
        bpf::fd_by_id(ObjKind::Map, id).map_err(|e| Error::from_io(&label, &e, "cannot open"))?;
    let info = crate::sys::map_info::map_info(fd.as_fd())
        .map_err(|e| Error::from_io(&label, &e, "cannot read map info"))?;
    let btf_error = |e: crate::btf::Error| Error::new(ErrorKind::Kernel, &label, e.to_string());
    let info_len = vmlinux.resolve_size(info_type).map_err(btf_error)? as usize;
    let raw_info = crate::sys::map_info::map_info_bytes(fd.as_fd(), info_len)
        .map_err(|e| Error::from_io(&label, &e, "cannot read map info"))?;
    let value_type = info.btf_vmlinux_value_type_id;
    let value_name = vmlinux
        .type_by_id(value_type)
        .map(|t| t.name().to_string())
        .ok_or_else(|| Error::new(ErrorKind::Kernel, &label, "value type not in vmlinux BTF"))?;
    let raw_value =
        crate::sys::bpf_obj::map_lookup(fd.as_fd(), &0u32.to_ne_bytes(), info.value_size as usize)
            .map_err(|e| Error::from_io(&label, &e, "cannot look up the struct_ops value"))?;
    let info_json = vmlinux
        .format_value(info_type, &raw_info)
        .map_err(btf_error)?;
    let mut value_json = vmlinux
        .format_value(value_type, &raw_value)
        .map_err(btf_error)?;
    FuncPointers {
        btf: vmlinux,
        progs,
    }
    .rewrite(value_type, &mut value_json, 0);
    let one =
        |name: &str, value: Value| Value::Object([(name.to_string(), value)].into_iter().collect());
    Ok([one("bpf_map_info", info_json), one(&value_name, value_json)])
}

/// Rewrites function pointers inside a formatted value into bpftool's `TYPE NAME/prog_id:ID` strings.
struct FuncPointers<'a> {
    btf: &'a Btf,
    progs: &'a mut BtfCache,
}

impl FuncPointers<'_> {
    fn rewrite(&mut self, type_id: u32, value: &mut Value, depth: usize) {
        if depth > 32 {
            return;
        }
        let Ok(id) = self.btf.skip_modifiers(type_id, true) else {
            return;
        };
        let Some(t) = self.btf.type_by_id(id) else {
            return;
        };
        match (t.kind(), value) {
            (Kind::Struct | Kind::Union, Value::Object(fields)) => {
                for m in t.members().filter(|m| m.bitfield_size == 0) {
                    if let Some(v) = fields.get_mut(m.name) {
                        self.rewrite(m.type_id, v, depth + 1);
                    }
                }
            }
            (Kind::Array, Value::Array(items)) => {
                let elem = t.array().elem_type;
                for v in items {
                    self.rewrite(elem, v, depth + 1);
                }
            }
            (Kind::Ptr, v) => {
                if let Some(text) = self.func_pointer(t.type_id(), v) {
                    *v = Value::String(text);
                }
            }
            _ => {}
        }
    }

    /// bpftool's text for a pointer to a function holding a program id; None where it prints the number.
    fn func_pointer(&mut self, target: u32, value: &Value) -> Option<String> {
        let prog_id = value.as_u64().filter(|v| *v <= u64::from(u32::MAX))? as u32;
        let proto = self.btf.skip_modifiers(target, true).ok()?;
        if self.btf.type_by_id(proto)?.kind() != Kind::FuncProto {
            return None;
        }
        let signature = self.btf.bpftool_type_only(proto)?;
        if prog_id == 0 {
            return Some(format!("{signature} 0"));
        }
        let name = self.prog_name(prog_id);
        Some(format!(
            "{signature} {}/prog_id:{prog_id}",
            name.as_deref().unwrap_or("<unknown_prog_name>")
        ))
    }

    /// The program's function name from its BTF (never the kernel's 15-character copy).
    fn prog_name(&mut self, id: u32) -> Option<String> {
        let fd = bpf::fd_by_id(ObjKind::Prog, id).ok()?;
        let info = crate::sys::prog_info::prog_info(fd.as_fd()).ok()?;
        let btf = self.progs.get(info.btf_id)?;
        let func = btf.type_by_id(info.func_type_id?)?;
        (func.kind() == Kind::Func).then(|| func.name().to_string())
    }
}
