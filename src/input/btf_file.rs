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

/// The most a compressed BTF file may unpack to: a vmlinux BTF is 5-10 MiB, so this only stops an xz bomb.
const MAX_UNPACKED: u64 = 256 << 20;

/// A BTF file as the public archives ship them: plain, `.xz`, or `.tar.xz` (btfhub-archive's layout, one .btf
/// file in the tarball), unpacked in memory within `MAX_UNPACKED`.
pub fn read_btf_file(path: &Path) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let data = read_file(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if !file_name.ends_with(".xz") {
        return Ok(data);
    }
    let unpacked = unxz(&name, &data)?;
    if !file_name.ends_with(".tar.xz") {
        return Ok(unpacked);
    }
    first_tar_file(&name, &unpacked)
}

fn unxz(name: &str, data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Bounded(Vec::new(), false);
    match lzma_rs::xz_decompress(&mut &data[..], &mut out) {
        Ok(()) => Ok(out.0),
        Err(_) if out.1 => Err(Error::invalid(
            name,
            format!(
                "unpacks to more than {} MiB: not a BTF file",
                MAX_UNPACKED >> 20
            ),
        )),
        Err(e) => Err(Error::invalid(name, format!("bad xz data: {e}"))),
    }
}

/// The first regular file of a tar archive, preferring one named *.btf.
fn first_tar_file(name: &str, tar_bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Read;
    let bad = |e: std::io::Error| Error::invalid(name, format!("bad tar archive: {e}"));
    let mut archive = tar::Archive::new(tar_bytes);
    let mut fallback = None;
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let is_btf = entry
            .path()
            .map_err(bad)?
            .to_string_lossy()
            .ends_with(".btf");
        if !is_btf && fallback.is_some() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(bad)?;
        if is_btf {
            return Ok(bytes);
        }
        fallback = Some(bytes);
    }
    fallback.ok_or_else(|| Error::invalid(name, "the tar archive holds no file"))
}

/// A Vec that refuses to grow past `MAX_UNPACKED`, and whether it had to.
struct Bounded(Vec<u8>, bool);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() as u64 + buf.len() as u64 > MAX_UNPACKED {
            self.1 = true;
            return Err(std::io::Error::other("too large"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Split BTF of a kernel module needs vmlinux as its base; elsewhere a base is only used when given.
pub fn default_base_for(path: &Path) -> Option<&'static Path> {
    let vmlinux = Path::new(RUNNING_VMLINUX);
    (path.parent() == Some(Path::new("/sys/kernel/btf")) && path != vmlinux).then_some(vmlinux)
}

/// The kernel's BTF object `id`, on top of `base` when given, else on top of vmlinux when it is a module's.
pub fn load_btf_id(id: u32, base: Option<&Path>) -> Result<Btf> {
    let k = crate::sys::btf_data::btf_by_id(id)?;
    let object = format!("btf id {id}");
    let base_path = match base {
        Some(p) => Some(p),
        None if k.kernel && k.name != "vmlinux" => Some(Path::new(RUNNING_VMLINUX)),
        None => None,
    };
    let base = base_path.map(|b| load_btf(b, None)).transpose()?;
    parse_raw_btf(&object, &k.data, base)
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
    let data = read_btf_file(path)?;
    let bytes = btf_bytes(&name, &data)?;
    if base.is_some() {
        return parse_raw_btf(&name, bytes, base);
    }
    if let Some(vmlinux) = default_base_for(path) {
        return parse_raw_btf(&name, bytes, Some(load_btf(vmlinux, None)?));
    }
    if bytes.len() == data.len() && !crate::btf::is_split_only(bytes) {
        // The file is the blob and can only stand alone: parsed in place, not copied (vmlinux BTF is 5-6 MB).
        return Btf::parse_owned(data).map_err(|e| Error::invalid(&name, e));
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
