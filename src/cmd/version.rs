//! `ebpfctl version`.

use serde::Serialize;

use super::{show, CmdResult, Context, Outcome};

#[derive(Debug, Serialize)]
pub struct VersionInfo {
    pub version: &'static str,
    pub libbpf_version: String,
    pub target: &'static str,
    pub embedded_objects: &'static [&'static str],
}

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
