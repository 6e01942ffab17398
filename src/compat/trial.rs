//! `compat check --live`: on the running kernel a trial load is the truth. The object is opened and loaded by
//! libbpf exactly as `prog loadall` loads it (every program with autoload on, every map created with the object's
//! sizes or the `--map-size` ones), with nothing pinned or attached, and closed again. libbpf stops at the first
//! program the kernel refuses, so each refused program is switched off and the object loaded again, to name every
//! refused program with the verifier's own words.

use std::collections::HashSet;
use std::path::Path;

use libbpf_rs::ErrorExt;
use serde::Serialize;

use super::maps::{MapSize, INNER_SUFFIX};
use crate::loader::verifier;
use crate::sys::caps::{self, Capability};
use crate::sys::{self, libbpf_log};

/// What the kernel said.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrialLoad {
    /// The object loaded as a whole (`prog loadall` would succeed).
    pub loaded: bool,
    /// Why the object as a whole failed (open, a map, an extern), in libbpf's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Programs the kernel refused: (name, the verifier's first error line or libbpf's reason).
    #[serde(skip)]
    pub refused: Vec<(String, String)>,
}

/// The trial load could not decide: the process lacks the privileges the kernel asked for.
#[derive(Debug, Clone)]
pub struct PermissionDenied(pub String);

/// Everything some program or map type needs: tracing (CAP_PERFMON), networking (CAP_NET_ADMIN), loading (CAP_BPF).
const BPF_CAPS: [Capability; 3] = [Capability::Bpf, Capability::Perfmon, Capability::NetAdmin];

fn is_permission(errno: Option<i32>) -> bool {
    matches!(errno, Some(libc::EPERM) | Some(libc::EACCES))
}

/// Loads `path` as `prog loadall` would, program by program until every refusal is named.
pub fn load(path: &Path, sizes: &[MapSize]) -> Result<TrialLoad, PermissionDenied> {
    sys::kernel::raise_memlock_limit();
    let mut off: HashSet<String> = HashSet::new();
    let mut out = TrialLoad::default();
    loop {
        libbpf_log::take();
        let attempt = open_and_load(path, sizes, &off);
        let messages = libbpf_log::take();
        let err = match attempt {
            Ok(()) => {
                out.loaded = out.refused.is_empty() && out.error.is_none();
                return Ok(out);
            }
            Err(e) => e,
        };
        let errno = sys::libbpf_errno(&err);
        let failure = verifier::explain(&messages);
        // EPERM/EACCES without a verifier log, to a process lacking capabilities, says nothing about the kernel.
        let denied = |what: &str| {
            let missing = caps::missing(&BPF_CAPS)?;
            (is_permission(errno) && failure.log.is_empty()).then(|| {
                PermissionDenied(format!(
                    "{what}: {} (missing {missing})",
                    crate::error::errno_text(errno.unwrap_or(libc::EPERM))
                ))
            })
        };
        match failure.program.clone() {
            Some(p) if !off.contains(&p) => {
                if let Some(denied) = denied(&format!("trial load of program {p}")) {
                    return Err(denied);
                }
                let why = verifier::verdict(&failure)
                    .map(str::to_string)
                    .or(failure.libbpf_reason.clone())
                    .unwrap_or_else(|| sys::libbpf_reason(&err));
                out.refused.push((p.clone(), why));
                off.insert(p);
            }
            _ => {
                if let Some(denied) = denied("trial load") {
                    return Err(denied);
                }
                let last = messages
                    .iter()
                    .rev()
                    .find(|m| !m.contains("failed to load object"))
                    .map(|m| m.trim_start_matches("libbpf: ").to_string());
                out.error = Some(last.unwrap_or_else(|| sys::libbpf_reason(&err)));
                return Ok(out);
            }
        }
    }
}

fn open_and_load(
    path: &Path,
    sizes: &[MapSize],
    off: &HashSet<String>,
) -> Result<(), libbpf_rs::Error> {
    let mut open = libbpf_rs::ObjectBuilder::default().open_file(path)?;
    // Inner-map templates made for `--map-size NAME.inner=N`: open until the outer maps are created.
    let mut inner_fds = Vec::new();
    for mut p in open.progs_mut() {
        if off.contains(&*p.name().to_string_lossy()) {
            p.set_autoload(false);
        }
    }
    for mut m in open.maps_mut() {
        let name = m.name().to_string_lossy().into_owned();
        if let Some(size) = sizes.iter().find(|s| s.name == name) {
            if let Some(n) = size.max_entries {
                m.set_max_entries(n)?;
            }
            if let Some(n) = size.value_size {
                m.set_value_size(n)?;
            }
        }
        let inner = sizes.iter().find(|s| s.inner_of() == Some(&name));
        if let Some(size) = inner {
            let fd = sys::object::replace_inner_map(&mut m, size.max_entries, size.value_size)
                .map_err(|errno| {
                    libbpf_rs::Error::from_raw_os_error(errno).context(format!(
                        "map '{name}': creating its inner map with the sizes given for {name}{INNER_SUFFIX}"
                    ))
                })?;
            inner_fds.extend(fd);
        }
    }
    sys::object::clear_map_pins(&mut open);
    // Loaded, then dropped: every program and map fd is closed again.
    open.load().map(drop)
}
