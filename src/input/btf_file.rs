//! BTF from a file the user names: raw BTF (/sys/kernel/btf/*), or the `.BTF` section of an ELF (vmlinux, an
//! object), parsed on top of a base BTF for split BTF. Errors name the file.

use std::path::Path;

use crate::btf::Btf;
use crate::elf::{self, FileKind};
use crate::error::{Error, Result};

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    super::read_whole(path, &path.display().to_string(), "cannot read")
}

/// Split BTF of a kernel module needs vmlinux as its base; elsewhere a base is only used when given.
pub fn default_base_for(path: &Path) -> Option<&'static Path> {
    let vmlinux = Path::new("/sys/kernel/btf/vmlinux");
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

/// A kernel's BTF from a raw blob or an ELF's .BTF section (vmlinux).
pub fn load_kernel_btf(path: &Path) -> Result<Btf> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    match elf::detect(&data) {
        FileKind::RawBtf => parse_raw_btf(&name, &data, None),
        FileKind::Elf => {
            let obj = elf::parse(&data, &name).map_err(|e| Error::invalid(&name, e))?;
            obj.btf
                .ok_or_else(|| Error::invalid(&name, "ELF file has no .BTF section"))
        }
        FileKind::Unknown => Err(Error::invalid(
            &name,
            "not kernel BTF: neither raw BTF nor an ELF with .BTF",
        )),
    }
}
