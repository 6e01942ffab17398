//! `ebpfctl version`.

use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::output::version::{Features, VersionInfo};

/// `prog load -S` signs with pure-Rust CMS/X.509/RSA/ECDSA: always built in, no OpenSSL.
const CRYPTO: bool = true;

pub fn run(ctx: &Context) -> CmdResult {
    let info = VersionInfo {
        version: env!("CARGO_PKG_VERSION"),
        libbpf_version: crate::sys::libbpf_version(),
        target: env!("EBPFCTL_BUILD_TARGET"),
        embedded_objects: crate::sys::skel::EMBEDDED_OBJECTS,
        features: Features {
            libbfd: false,
            llvm: false,
            crypto: CRYPTO,
            skeletons: !crate::sys::skel::EMBEDDED_OBJECTS.is_empty(),
            bootstrap: false,
            libbpf_strict: true,
        },
    };
    show(ctx, &info)?;
    Ok(Outcome::Success)
}
