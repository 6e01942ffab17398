//! `map create` and `map pin`: making maps and giving them names on bpffs.

use std::os::fd::AsFd;
use std::path::Path;

use crate::cmd::map::open::OpenMap;
use crate::cmd::map::words::Words;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Capability, Error, ErrorKind, Result};
use crate::output::map_data::Created;
use crate::sys::map_ops::{self, NewMap};

fn number(w: &mut Words<'_>, what: &str) -> Result<u32> {
    let text = w.value(what)?;
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| {
        Error::new(
            ErrorKind::InvalidInput,
            "map create",
            format!("{what} '{text}' is not a number"),
        )
    })
}

/// `map create PATH type T key N value N entries N name NAME [flags F] [inner_map MAP]`
pub fn create(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map create");
    let path = Path::new(w.value("pin path")?).to_path_buf();
    let (mut map_type, mut key, mut value, mut entries, mut name, mut flags, mut inner) =
        (None, None, None, None, None, 0, None);
    let mut offload_dev = None;
    while let Some(word) = w.next() {
        match word {
            "type" => {
                let t = w.value("map type")?;
                map_type = Some(
                    crate::sys::names::value_of(crate::sys::names::map_type, t).ok_or_else(
                        || {
                            Error::new(
                                ErrorKind::InvalidInput,
                                "map create",
                                format!("unknown map type '{t}'"),
                            )
                        },
                    )?,
                );
            }
            "key" => key = Some(number(&mut w, "key size")?),
            "value" => value = Some(number(&mut w, "value size")?),
            "entries" => entries = Some(number(&mut w, "entries")?),
            "name" => name = Some(w.value("map name")?),
            "flags" => flags = number(&mut w, "flags")?,
            "inner_map" => inner = Some(OpenMap::open(&w.map_ref()?, true)?),
            // bpftool's `dev` is the older spelling of `offload_dev`.
            "offload_dev" | "dev" => {
                let dev = w.value("offload_dev")?;
                offload_dev = Some((dev, crate::cmd::attach::ifindex(dev)?));
            }
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    "map create",
                    format!("unexpected '{other}'"),
                ))
            }
        }
    }
    let missing = |what: &str| {
        Error::new(
            ErrorKind::InvalidInput,
            "map create",
            format!("'{what}' is required"),
        )
    };
    let spec = NewMap {
        // Checked in the order the grammar lists them, so the first missing word is the one reported.
        map_type: map_type.ok_or_else(|| missing("type"))?,
        key_size: key.ok_or_else(|| missing("key"))?,
        value_size: value.ok_or_else(|| missing("value"))?,
        max_entries: entries.ok_or_else(|| missing("entries"))?,
        name: name.ok_or_else(|| missing("name"))?,
        flags,
        inner_map: inner.as_ref().map(|m| m.fd.as_fd()),
        ifindex: offload_dev.map_or(0, |(_, ifindex)| ifindex),
    };
    let label = format!("map create {}", path.display());
    check_map_name(&label, spec.name)?;
    let fd = map_ops::create_map(&spec).map_err(|e| match offload_dev {
        Some((dev, _)) => offload_refused(&label, dev, &e),
        None => Error::from_io(&label, &e, "BPF_MAP_CREATE failed")
            .needing(map_create_capabilities(spec.map_type)),
    })?;
    pin_fd(fd.as_fd(), &path, &label)?;
    let id = crate::sys::map_info::map_info(fd.as_fd())
        .map(|i| i.id)
        .unwrap_or(0);
    show(
        ctx,
        &Created {
            id,
            pinned: path.display().to_string(),
        },
    )?;
    Ok(Outcome::Success)
}

/// The kernel's refusal of a map on an offload device, read: a device without a BPF offload driver (anything but
/// netdevsim or an nfp card) answers EINVAL, which alone would read as a bad map.
pub fn offload_refused(label: &str, dev: &str, e: &std::io::Error) -> Error {
    let errno = e.raw_os_error().unwrap_or(0);
    match errno {
        libc::EINVAL | libc::EOPNOTSUPP => Error::new(
            ErrorKind::Unsupported,
            label,
            format!(
                "the kernel refused to offload to {dev} ({}): {dev} has no BPF offload driver, or it cannot \
                 take this map type",
                crate::error::errno_text(errno)
            ),
        ),
        _ => Error::from_errno(label, errno, &format!("BPF_MAP_CREATE on {dev} failed")),
    }
}

/// The kernel's own check of a map name (bpf_obj_name_cpy) only says EINVAL.
fn check_map_name(label: &str, name: &str) -> Result<()> {
    if name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        label,
        format!(
            "map name '{name}': only letters, digits, '_' and '.' (the kernel keeps 15 of them)"
        ),
    ))
}

/// map_create in kernel/bpf/syscall.c: maps of sockets and devices are network administration.
fn map_create_capabilities(map_type: u32) -> &'static [Capability] {
    use libbpf_sys as b;
    match map_type {
        b::BPF_MAP_TYPE_SOCKMAP
        | b::BPF_MAP_TYPE_SOCKHASH
        | b::BPF_MAP_TYPE_DEVMAP
        | b::BPF_MAP_TYPE_DEVMAP_HASH
        | b::BPF_MAP_TYPE_XSKMAP => &[Capability::Bpf, Capability::NetAdmin],
        _ => &[Capability::Bpf],
    }
}

/// Pins after making sure bpffs is where the path points (mounting the default one, as bpftool does).
pub fn pin_fd(fd: std::os::fd::BorrowedFd<'_>, path: &Path, label: &str) -> Result<()> {
    if path.starts_with(crate::sys::fs::BPFFS_PATH) {
        crate::sys::fs::ensure_mounted(crate::sys::fs::PseudoFs::Bpf)?;
    }
    map_ops::pin(fd, path).map_err(|e| match e.raw_os_error() {
        Some(libc::EPERM) if !on_bpffs(path) => Error::new(
            ErrorKind::InvalidInput,
            label,
            format!("{} is not on a bpf file system", path.display()),
        ),
        Some(libc::EEXIST) => Error::new(
            ErrorKind::InvalidInput,
            label,
            format!("{} already exists", path.display()),
        ),
        _ => {
            let made = crate::sys::pins::make_error(path, &e, "pin failed");
            Error::new(made.kind, label, made.reason)
        }
    })
}

fn on_bpffs(path: &Path) -> bool {
    let dir = path.parent().unwrap_or(path);
    crate::sys::fs::is_mounted(crate::sys::fs::PseudoFs::Bpf, dir)
}

/// `map pin MAP PATH`
pub fn pin(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map pin");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    let path = Path::new(w.value("pin path")?).to_path_buf();
    w.finish()?;
    pin_fd(map.fd.as_fd(), &path, &map.label)?;
    ctx.out.nothing();
    Ok(Outcome::Success)
}
