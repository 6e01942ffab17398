//! `ebpfctl version`.

use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::output::version::VersionInfo;

pub fn run(ctx: &Context) -> CmdResult {
    let info = VersionInfo {
        version: env!("CARGO_PKG_VERSION"),
        libbpf_version: crate::sys::libbpf_version(),
        target: env!("EBPFCTL_BUILD_TARGET"),
        embedded_objects: crate::sys::skel::EMBEDDED_OBJECTS,
    };
    show(ctx, &info)?;
    Ok(Outcome::Success)
}
