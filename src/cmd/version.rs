//! `ebpfctl version`.

use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::output::version::{Features, VersionInfo};

pub fn run(ctx: &Context) -> CmdResult {
    let info = VersionInfo {
        version: env!("CARGO_PKG_VERSION"),
        libbpf_version: crate::sys::libbpf_version(),
        target: env!("EBPFCTL_BUILD_TARGET"),
        embedded_objects: crate::sys::skel::EMBEDDED_OBJECTS,
        features: Features {
            libbfd: false,
            libbpf_strict: true,
            skeletons: true,
        },
    };
    show(ctx, &info)?;
    Ok(Outcome::Success)
}
