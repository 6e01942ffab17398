//! `struct_ops show|list [id N|name NAME|pinned LINK]`, `struct_ops register OBJ [LINK_DIR]`,
//! `struct_ops unregister {id N|name NAME|pinned LINK}`, `struct_ops dump [...]` (in dump.rs). struct_ops maps made with BPF_F_LINK register through a
//! link, which (like every link) ends with ebpfctl unless pinned, so such maps need LINK_DIR.

pub mod dump;

use std::os::fd::AsFd;
use std::path::PathBuf;

use libbpf_rs::{MapCore, MapType};

use crate::cli::{LinkSelector, StructOpsCommand, StructOpsSelector};
use crate::cmd::select::resolve;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::loader::{self, LoadSpec};
use crate::output::lifecycle::{DetachReport, Registered, StructOpsMap, StructOpsReport};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::link_info::{self, LinkDetail};
use crate::sys::pins::{self, PinSet};

const BPF_F_LINK: u32 = 1 << 13;

pub fn run(ctx: &Context, command: StructOpsCommand) -> CmdResult {
    match command {
        StructOpsCommand::Show { map } => show_maps(ctx, map.as_ref()),
        StructOpsCommand::Register { object, link_dir } => register(ctx, object, link_dir),
        StructOpsCommand::Unregister { map } => unregister(ctx, &map),
        StructOpsCommand::Dump { map } => dump::run(ctx, map.as_ref()),
    }
}

fn register(ctx: &Context, object: PathBuf, link_dir: Option<PathBuf>) -> CmdResult {
    let label = object.display().to_string();
    if let Some(dir) = &link_dir {
        if !dir.is_dir() {
            pins::check_new_pin_path(dir)?;
        }
    }
    let mut loaded = loader::load(LoadSpec {
        object,
        relaxed_maps: ctx.relaxed_maps,
        ..Default::default()
    })?;
    // Checked for every map before any registers, so a refusal leaves nothing registered.
    if link_dir.is_none() {
        if let Some(map) = loaded.maps().find(|m| {
            m.map_type() == MapType::StructOps
                && bpf::map_brief(m.as_fd()).is_ok_and(|b| b.flags & BPF_F_LINK != 0)
        }) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                map.name().to_string_lossy(),
                "this struct_ops map registers through a link that would end when ebpfctl exits; give LINK_DIR",
            ));
        }
    }
    let mut pinset = PinSet::new();
    let mut report = StructOpsReport::default();
    let mut links = Vec::new();
    for mut map in loaded
        .maps_mut()
        .filter(|m| m.map_type() == MapType::StructOps)
    {
        let name = map.name().to_string_lossy().into_owned();
        let with_link = bpf::map_brief(map.as_fd()).is_ok_and(|b| b.flags & BPF_F_LINK != 0);
        let link = map.attach_struct_ops().map_err(|e| {
            Error::new(
                ErrorKind::Kernel,
                &name,
                format!("cannot register: {}", crate::sys::libbpf_reason(&e)),
            )
        })?;
        let pinned = match (&link_dir, with_link) {
            (Some(dir), true) => {
                pinset.create_dir_all(dir)?;
                let path = dir.join(&name);
                pinset.pin(link.as_fd(), &path)?;
                Some(path.display().to_string())
            }
            _ => None,
        };
        let map_id = bpf::map_id(map.as_fd()).unwrap_or(0);
        report.registered.push(Registered {
            name,
            map_id,
            pinned,
        });
        links.push(link);
    }
    if report.registered.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            label,
            "the object has no struct_ops maps",
        ));
    }
    pinset.commit();
    // Legacy (non-link) registrations hold their map; dropping the link objects must not unregister them.
    for mut link in links {
        link.disconnect();
    }
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

fn unregister(ctx: &Context, selector: &StructOpsSelector) -> CmdResult {
    let map_id = match selector {
        StructOpsSelector::Pinned { path } => {
            return crate::cmd::attach::detach::run_link(
                ctx,
                &LinkSelector::Pinned { path: path.clone() },
            );
        }
        StructOpsSelector::Id { id } => id
            .parse::<u32>()
            .map_err(|_| Error::new(ErrorKind::InvalidInput, format!("id {id}"), "not a number"))?,
        StructOpsSelector::Name { name } => struct_ops_map_by_name(name)?,
    };
    // A link-registered map is unregistered through its link.
    for id in crate::cmd::select::list_ids(ObjKind::Link, "struct_ops")? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Link, id) else {
            continue;
        };
        if let Ok(l) = link_info::link_info(fd.as_fd()) {
            if matches!(l.detail, LinkDetail::StructOps { map_id: m } if m == map_id) {
                return crate::cmd::attach::detach::run_link(
                    ctx,
                    &LinkSelector::Id { id: id.to_string() },
                );
            }
        }
    }
    let map = resolve::map_words(&["id".to_string(), map_id.to_string()])?;
    // Deleting key 0 is how a struct_ops map unregisters; in any other map it would delete data.
    struct_ops_map(map_id, None)?;
    bpf::map_delete(map.fd.as_fd(), &0u32.to_ne_bytes())
        .map_err(|e| Error::from_io(&map.label, &e, "cannot unregister"))?;
    show(
        ctx,
        &DetachReport {
            prog_id: None,
            links: Vec::new(),
            other: vec![format!("{} unregistered", map.label)],
        },
    )?;
    Ok(Outcome::Success)
}

/// Ids of every struct_ops map, or of those named `name`.
fn struct_ops_map_ids(name: Option<&str>) -> Result<Vec<u32>> {
    let mut ids = Vec::new();
    for id in crate::cmd::select::list_ids(ObjKind::Map, "struct_ops")? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Map, id) else {
            continue;
        };
        let Ok(info) = bpf::map_brief(fd.as_fd()) else {
            continue;
        };
        if info.map_type == libbpf_sys::BPF_MAP_TYPE_STRUCT_OPS
            && name.is_none_or(|n| info.name == n)
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn struct_ops_map_by_name(name: &str) -> Result<u32> {
    struct_ops_map_ids(Some(name))?
        .first()
        .copied()
        .ok_or_else(|| no_such_map(name))
}

fn no_such_map(name: &str) -> Error {
    Error::new(
        ErrorKind::NotFound,
        format!("struct_ops {name}"),
        "no such struct_ops map",
    )
}

fn parse_map_id(id: &str) -> Result<u32> {
    id.parse::<u32>()
        .map_err(|_| Error::new(ErrorKind::InvalidInput, format!("id {id}"), "not a number"))
}

/// The struct_ops maps a selector names: every one, the one with an id, those with a name, the one a pinned link
/// registered.
fn selected_ids(selector: Option<&StructOpsSelector>) -> Result<Vec<u32>> {
    Ok(match selector {
        None => struct_ops_map_ids(None)?,
        Some(StructOpsSelector::Id { id }) => vec![parse_map_id(id)?],
        Some(StructOpsSelector::Name { name }) => match struct_ops_map_ids(Some(name))? {
            ids if ids.is_empty() => return Err(no_such_map(name)),
            ids => ids,
        },
        Some(StructOpsSelector::Pinned { path }) => {
            let link = resolve::link(&LinkSelector::Pinned { path: path.clone() })?;
            match link_info::link_info(link.fd.as_fd()).map(|l| l.detail) {
                Ok(LinkDetail::StructOps { map_id }) => vec![map_id],
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        &link.label,
                        "not a struct_ops link",
                    ))
                }
            }
        }
    })
}

/// bpftool's `struct_ops show`: one object for `id N` or a pinned link, an array otherwise.
fn show_maps(ctx: &Context, selector: Option<&StructOpsSelector>) -> CmdResult {
    let ids = selected_ids(selector)?;
    let vmlinux = std::fs::read("/sys/kernel/btf/vmlinux")
        .ok()
        .and_then(|data| crate::btf::Btf::parse(&data).ok());
    let mut maps = Vec::new();
    for id in ids {
        match struct_ops_map(id, vmlinux.as_ref()) {
            Ok(m) => maps.push(m),
            // A map gone between the walk and the open is not an error of a listing.
            Err(_) if selector.is_none() => {}
            Err(e) => return Err(e),
        }
    }
    // bpftool prints an array for a name even when one map has it.
    if matches!(
        selector,
        Some(StructOpsSelector::Id { .. } | StructOpsSelector::Pinned { .. })
    ) {
        show(ctx, &maps[0])?;
    } else {
        show(ctx, &maps)?;
    }
    Ok(Outcome::Success)
}

fn struct_ops_map(id: u32, vmlinux: Option<&crate::btf::Btf>) -> Result<StructOpsMap> {
    let label = format!("map id {id}");
    let fd = bpf::fd_by_id(ObjKind::Map, id).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOENT) => Error::new(ErrorKind::NotFound, &label, "no such map"),
        _ => {
            Error::from_io(&label, &e, "cannot open").needing(&[crate::error::Capability::SysAdmin])
        }
    })?;
    let info = crate::sys::map_info::map_info(fd.as_fd())
        .map_err(|e| Error::from_io(&label, &e, "cannot read map info"))?;
    if info.map_type != libbpf_sys::BPF_MAP_TYPE_STRUCT_OPS {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &label,
            "not a struct_ops map",
        ));
    }
    // The value type is vmlinux's `bpf_struct_ops_<kernel struct>` wrapper.
    let kernel_struct_ops = vmlinux
        .and_then(|btf| btf.type_by_id(info.btf_vmlinux_value_type_id))
        .map(|t| t.name().trim_start_matches("bpf_struct_ops_").to_string());
    Ok(StructOpsMap {
        id,
        name: info.name,
        kernel_struct_ops,
    })
}
