//! BTF from a file the user names: raw BTF (/sys/kernel/btf/*), or the `.BTF` section of an ELF (vmlinux, an
//! object, a kernel module's .ko), parsed on top of a base BTF for split BTF. Errors name the file.

use std::path::Path;

use crate::btf::Btf;
use crate::elf::{self, FileKind};
use crate::error::{Error, ErrorKind, Result};

/// The running kernel's BTF: the base of every module's split BTF.
pub const RUNNING_VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    super::read_whole(path, &path.display().to_string(), "cannot read")
}

/// Split BTF of a kernel module needs vmlinux as its base; elsewhere a base is only used when given.
pub fn default_base_for(path: &Path) -> Option<&'static Path> {
    let vmlinux = Path::new(RUNNING_VMLINUX);
    (path.parent() == Some(Path::new("/sys/kernel/btf")) && path != vmlinux).then_some(vmlinux)
}

/// Parses a raw BTF blob, on top of `base` when given.
pub fn parse_raw_btf(name: &str, data: &[u8], base: Option<Btf>) -> Result<Btf> {
    match base {
        Some(b) => Btf::parse_split(data, b),
        None => Btf::parse(data),
    }
    .map_err(|e| Error::invalid(name, e))
}

/// The BTF bytes of a file: the whole of a raw blob, or an ELF's .BTF section.
fn btf_bytes<'d>(name: &str, data: &'d [u8]) -> Result<&'d [u8]> {
    match elf::detect(data) {
        FileKind::RawBtf => Ok(data),
        FileKind::Elf => elf::section_data(data, ".BTF")
            .map_err(|e| Error::invalid(name, e))?
            .ok_or_else(|| Error::new(ErrorKind::NotFound, name, "no .BTF section")),
        FileKind::Unknown => Err(Error::invalid(
            name,
            "not an ELF file or raw BTF (bad magic)",
        )),
    }
}

/// BTF from a raw blob or an ELF's .BTF section, on top of `base` when given. Without one, a file under
/// /sys/kernel/btf other than vmlinux is a module's split BTF over vmlinux; any other file is parsed alone and,
/// when that fails and it can only be split BTF (no leading empty string: module BTF as pahole writes it), over
/// the running kernel's vmlinux BTF, as bpftool resolves module BTF. A broken standalone blob stays an error.
pub fn load_btf(path: &Path, base: Option<Btf>) -> Result<Btf> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    let bytes = btf_bytes(&name, &data)?;
    if base.is_some() {
        return parse_raw_btf(&name, bytes, base);
    }
    if let Some(vmlinux) = default_base_for(path) {
        return parse_raw_btf(&name, bytes, Some(load_btf(vmlinux, None)?));
    }
    let alone = parse_raw_btf(&name, bytes, None);
    match alone {
        Err(mut e) if crate::btf::is_split_only(bytes) && Path::new(RUNNING_VMLINUX).exists() => {
            let vmlinux = load_btf(Path::new(RUNNING_VMLINUX), None)?;
            Btf::parse_split(bytes, vmlinux).map_err(|_| {
                e.reason = format!(
                    "{} (nor is it split BTF over {RUNNING_VMLINUX}; -B names another base)",
                    e.reason
                );
                e
            })
        }
        other => other,
    }
}

/// `load_btf` over the base BTF named by `base` (`--base-btf FILE`), when one is.
pub fn load_btf_over(path: &Path, base: Option<&Path>) -> Result<Btf> {
    let base = base.map(|b| load_btf(b, None)).transpose()?;
    load_btf(path, base)
}

/// A kernel's BTF from a raw blob or an ELF's .BTF section (vmlinux, or a module's BTF over `base`, by default
/// the running kernel's vmlinux).
pub fn load_kernel_btf(path: &Path, base: Option<&Path>) -> Result<Btf> {
    load_btf_over(path, base).map_err(|e| match e.kind {
        ErrorKind::InvalidInput => {
            Error::invalid(e.object, format!("not kernel BTF: {}", e.reason))
        }
        _ => e,
    })
}
