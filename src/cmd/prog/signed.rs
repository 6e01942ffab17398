//! `prog load|loadall OBJ PATH -S -k KEY -i CERT` (bpftool 7.7): the object goes through libbpf's loader program,
//! whose instructions are signed (CMS, SHA-256) and whose data map is hashed into them, so the kernel's signature
//! check covers every program and map. The certificate is added to the session keyring, which the load names.
//! `-L` (bpftool's --use-loader) takes the same path unsigned. Unlike bpftool (which pins nothing with a loader),
//! the programs the loader returns are pinned as without it.

use std::os::fd::{AsFd, AsRawFd};
use std::path::Path;

use crate::cli::LoadArgs;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{errno_text, Error, ErrorKind, Result};
use crate::input::btf_file::read_file;
use crate::output::lifecycle::{LoadReport, LoadedMap};
use crate::signing::{SignError, Signer};
use crate::sys::keys;
use crate::sys::loader_prog::{self, LoaderImage, RunError, Signature};
use crate::sys::pins::PinSet;

pub fn run(ctx: &Context, args: &LoadArgs, all: bool, btf: Option<&Path>) -> CmdResult {
    let signer = args
        .sign
        .then(|| signer("prog load", args.key.as_deref(), args.cert.as_deref()))
        .transpose()?;
    let label = args.object.display().to_string();
    let image = generate(&label, &args.object, btf, signer.is_some(), None)?;
    if image.programs.is_empty() {
        return Err(Error::invalid(&label, "the object has no programs"));
    }
    let cms = match &signer {
        Some(s) => Some(sign_and_register(s, &image, &label, args)?),
        None => None,
    };
    let signature = cms.as_deref().map(|cms| Signature {
        cms,
        keyring_id: keys::SESSION_KEYRING,
    });
    let loaded = loader_prog::load_and_run(&image, signature.as_ref())
        .map_err(|e| run_error(&label, &e, signer.is_some()))?;
    let mut pins = PinSet::new();
    let mut report = LoadReport::default();
    if all {
        pins.create_dir_all(&args.path)?;
    }
    for (i, (prog, fd)) in image.programs.iter().zip(&loaded.programs).enumerate() {
        let Some(fd) = fd else { continue };
        let target = if all {
            Some(args.path.join(&prog.name))
        } else {
            (i == 0).then(|| args.path.clone())
        };
        if let Some(t) = &target {
            pins.pin(fd.as_fd(), t)?;
        }
        report.programs.push(super::loaded::loaded_prog_of(
            prog.name.clone(),
            prog.section.clone(),
            fd.as_fd(),
            target.as_deref(),
        ));
    }
    for fd in &loaded.maps {
        let brief = crate::sys::bpf::map_brief(fd.as_fd()).ok();
        report.maps.push(LoadedMap {
            name: brief.as_ref().map_or(String::new(), |b| b.name.clone()),
            id: brief.map_or(0, |b| b.id),
            pinned: None,
        });
    }
    pins.commit();
    show(ctx, &report)?;
    Ok(Outcome::Success)
}

/// The CMS signature of the loader, with the certificate that verifies it added to the session keyring.
fn sign_and_register(
    signer: &Signer,
    image: &LoaderImage,
    label: &str,
    args: &LoadArgs,
) -> Result<Vec<u8>> {
    let cms = signer
        .sign(&image.insns)
        .map_err(|e| Error::invalid(label, e))?;
    let cert = args
        .cert
        .as_deref()
        .map_or(String::new(), |c| c.display().to_string());
    keys::add_session_certificate(signer.cert_der()).map_err(|e| keyring_error(&cert, &e))?;
    Ok(cms)
}

/// The key and certificate, read and checked to belong together before anything is loaded (or generated, for
/// `command`).
pub(crate) fn signer(command: &str, key: Option<&Path>, cert: Option<&Path>) -> Result<Signer> {
    let (Some(key), Some(cert)) = (key, cert) else {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            command,
            "-S needs -k KEY and -i CERT",
        ));
    };
    Signer::new(&read_file(key)?, &read_file(cert)?).map_err(|e| match e {
        SignError::Key(_) => Error::invalid(key.display().to_string(), e),
        _ => Error::invalid(cert.display().to_string(), e),
    })
}

/// libbpf's loader program for the object, read and vetted here (see `loader_prog::generate`), named `name` or as
/// libbpf names a file; libbpf's last word on a failure.
pub(crate) fn generate(
    label: &str,
    object: &Path,
    btf: Option<&Path>,
    hashed: bool,
    name: Option<&str>,
) -> Result<LoaderImage> {
    let data = crate::loader::read_object_file(object)?;
    let name = name.map_or_else(|| crate::loader::libbpf_object_name(object), str::to_string);
    generate_from(label, &data, btf, hashed, &name)
}

/// `generate` for an object already read (and vetted) by `loader::read_object_file`.
pub(crate) fn generate_from(
    label: &str,
    data: &[u8],
    btf: Option<&Path>,
    hashed: bool,
    name: &str,
) -> Result<LoaderImage> {
    // Kept open until generation is done: libbpf reads the custom BTF while it records the load.
    let btf = btf.map(crate::loader::custom_btf).transpose()?;
    let btf_path = btf
        .as_ref()
        .map(|f| std::path::PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd())));
    crate::sys::libbpf_log::take();
    let image = loader_prog::generate(data, btf_path.as_deref(), hashed, name).map_err(|e| {
        let mut err = Error::from_errno(label, e.errno, e.what);
        if let Some(last) = crate::sys::libbpf_log::take().last() {
            err.reason = format!("{}: {}", err.reason, last.trim_start_matches("libbpf: "));
        }
        err
    })?;
    Ok(image)
}

fn keyring_error(cert: &str, err: &std::io::Error) -> Error {
    let errno = err.raw_os_error().unwrap_or(libc::EIO);
    match errno {
        // The kernel parses the certificate itself, and checks its self-signature with the key's algorithm: ENOENT
        // or ENOPKG is an algorithm it lacks (ECDSA without CONFIG_CRYPTO_ECDSA, seen on the 6.18 test VM).
        libc::ENOENT | libc::ENOPKG => Error::new(
            ErrorKind::Unsupported,
            cert,
            "this kernel cannot use the certificate's key algorithm (ECDSA needs CONFIG_CRYPTO_ECDSA)",
        ),
        libc::EBADMSG | libc::EINVAL => Error::invalid(
            cert,
            format!("the kernel's keyring refuses the certificate: {}", errno_text(errno)),
        ),
        libc::ENODEV => Error::new(
            ErrorKind::Unsupported,
            cert,
            "this kernel has no asymmetric key type (CONFIG_ASYMMETRIC_KEY_TYPE) to hold the certificate",
        ),
        _ => Error::from_errno(cert, errno, "cannot add the certificate to the session keyring"),
    }
}

/// What a failed loader run means, from the step and errno (found on the qemu matrix: 5.10, 6.1, 6.12, and the
/// 6.18 VM). Kernels before 6.18 refuse the data map's `excl_prog_hash` (EINVAL) and, before 5.14, the loader's
/// `fd_array` (E2BIG); a 6.18 kernel without CONFIG_SYSTEM_DATA_VERIFICATION cannot check the signature
/// (EOPNOTSUPP). Inside the loader, EACCES/EINVAL is the verifier refusing a program (the loader keeps no log).
fn run_error(label: &str, e: &RunError, signed: bool) -> Error {
    let errno = e.err.raw_os_error().unwrap_or(libc::EIO);
    let what = format!("cannot {}", e.step);
    let (kind, why) = match (errno, e.step) {
        (libc::E2BIG, _) | (libc::EINVAL, loader_prog::LOADER_LOAD) if !signed => (
            ErrorKind::Unsupported,
            "this kernel has no BPF_PROG_TYPE_SYSCALL loader programs (Linux 5.14+)".to_string(),
        ),
        (libc::E2BIG, _) | (libc::EINVAL, loader_prog::MAP_CREATE) if signed => (
            ErrorKind::Unsupported,
            "this kernel has no signed program loading (exclusive maps and signatures, Linux 6.18+)".to_string(),
        ),
        (libc::EOPNOTSUPP | crate::error::ENOTSUPP, _) => (
            ErrorKind::Unsupported,
            "this kernel cannot verify BPF program signatures (CONFIG_SYSTEM_DATA_VERIFICATION)".to_string(),
        ),
        (libc::EKEYREJECTED | libc::EBADMSG | libc::ENOKEY | libc::EKEYREVOKED | libc::EKEYEXPIRED, _)
        | (libc::EINVAL, loader_prog::LOADER_LOAD) => (
            ErrorKind::InvalidInput,
            format!("the kernel refuses the signature or its keyring: {}", errno_text(errno)),
        ),
        (libc::EACCES | libc::EINVAL, loader_prog::LOADER_RAN) => (
            ErrorKind::InvalidInput,
            format!(
                "a program was refused ({}); load without -S/-L for the verifier's log",
                errno_text(errno)
            ),
        ),
        _ => return Error::from_errno(label, errno, &what),
    };
    Error::new(kind, label, format!("{what}: {why}"))
}
