//! A loaded program as `prog load` reports it: name and section from the object, id and type from the kernel.

use std::path::Path;

use crate::output::lifecycle::LoadedProg;
use crate::sys::bpf;
use crate::sys::names;

pub fn loaded_prog_of(
    name: String,
    section: String,
    fd: std::os::fd::BorrowedFd<'_>,
    pinned: Option<&Path>,
) -> LoadedProg {
    let brief = bpf::prog_brief(fd).ok();
    LoadedProg {
        name,
        id: brief.as_ref().map_or(0, |b| b.id),
        prog_type: brief
            .as_ref()
            .and_then(|b| names::prog_type(b.prog_type).map(str::to_string))
            .unwrap_or_default(),
        section,
        pinned: pinned.map(|p| p.display().to_string()),
    }
}
