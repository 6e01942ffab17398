//! The embedded profiler (bpf/prog_profile.bpf.c) around one loaded program: load it with the target's fd and
//! function name as its fentry/fexit target, open one counting perf event per metric and possible CPU into its
//! perf event array, attach, wait, then sum its per-CPU totals.

use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::{MapCore, MapFlags, OpenObject};

use super::perf_event::{open_counter, CounterKind};
use super::skel::prog_profile;

/// The metrics one profile may read at once: the BPF side's MAX_METRICS.
pub const MAX_METRICS: usize = 4;

/// What went wrong, in the order the steps run.
#[derive(Debug)]
pub enum ProfileError {
    /// The profiler did not load (the kernel refused fentry/fexit, or this target): the reason, and libbpf's
    /// messages (with the verifier's log, when the verifier refused it).
    Load {
        reason: String,
        messages: Vec<String>,
    },
    /// perf_event_open of metric `metric` (an index into the request) on `cpu` failed.
    Counter {
        metric: usize,
        cpu: i32,
        err: std::io::Error,
    },
    /// The kernel cannot attach fentry/fexit to this program (ENOTSUPP/EOPNOTSUPP: no BPF trampoline for this
    /// architecture or kernel, as arm64 before 6.0); what and libbpf's reason.
    AttachUnsupported(String),
    /// Another step (map sizing, storing an fd, attaching, reading) failed; what and libbpf's reason.
    Other(String),
}

/// What the counters saw during the profiled runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub runs: u64,
    /// counter, enabled, running for each requested metric, summed over CPUs.
    pub values: Vec<[u64; 3]>,
}

fn other(what: &str, err: &libbpf_rs::Error) -> ProfileError {
    ProfileError::Other(format!("{what}: {}", super::libbpf_reason(err)))
}

fn attach_error(what: &str, err: &libbpf_rs::Error) -> ProfileError {
    match super::libbpf_errno(err) {
        Some(libc::EOPNOTSUPP | crate::error::ENOTSUPP) => {
            ProfileError::AttachUnsupported(format!("{what}: {}", super::libbpf_reason(err)))
        }
        _ => other(what, err),
    }
}

/// Profiles the program `target` (whose BTF function is `func`) with `metrics` while `wait` runs.
pub fn profile(
    target: BorrowedFd<'_>,
    func: &str,
    metrics: &[CounterKind],
    wait: impl FnOnce(),
) -> Result<Totals, ProfileError> {
    let nr_cpus = libbpf_rs::num_possible_cpus().map_err(|e| other("possible CPUs", &e))?;
    let mut storage = MaybeUninit::<OpenObject>::uninit();
    super::libbpf_log::take();
    let mut open = prog_profile::ProgProfileSkelBuilder::default()
        .open(&mut storage)
        .map_err(|e| other("open the profiler", &e))?;
    if let Some(ro) = open.maps.rodata_data.as_deref_mut() {
        ro.nr_cpus = nr_cpus as u32;
        ro.nr_metrics = metrics.len() as u32;
    }
    open.maps
        .counters
        .set_max_entries((metrics.len() * nr_cpus) as u32)
        .map_err(|e| other("size the counter map", &e))?;
    for prog in [&mut open.progs.profile_entry, &mut open.progs.profile_exit] {
        prog.set_attach_target(target.as_raw_fd(), Some(func.to_string()))
            .map_err(|e| other("set the fentry/fexit target", &e))?;
    }
    let skel = open.load().map_err(|e| ProfileError::Load {
        reason: super::libbpf_reason(&e),
        messages: super::libbpf_log::take(),
    })?;
    // Held until the totals are read: closing an fd would stop its counter.
    let mut events: Vec<OwnedFd> = Vec::new();
    for (m, kind) in metrics.iter().enumerate() {
        for cpu in 0..nr_cpus {
            let fd = match open_counter(*kind, cpu as i32) {
                Ok(fd) => fd,
                // A possible CPU that is offline: nothing runs there to be counted.
                Err(e) if e.raw_os_error() == Some(libc::ENODEV) => continue,
                Err(err) => {
                    return Err(ProfileError::Counter {
                        metric: m,
                        cpu: cpu as i32,
                        err,
                    })
                }
            };
            let key = ((m * nr_cpus + cpu) as u32).to_ne_bytes();
            skel.maps
                .counters
                .update(&key, &fd.as_raw_fd().to_ne_bytes(), MapFlags::ANY)
                .map_err(|e| other("store a counter", &e))?;
            events.push(fd);
        }
    }
    let entry = skel
        .progs
        .profile_entry
        .attach()
        .map_err(|e| attach_error("attach fentry", &e))?;
    let exit = skel
        .progs
        .profile_exit
        .attach()
        .map_err(|e| attach_error("attach fexit", &e))?;
    wait();
    drop((entry, exit));
    let runs = per_cpu_sum(&skel.maps.runs, 0, 0)?;
    let mut values = Vec::with_capacity(metrics.len());
    for m in 0..metrics.len() as u32 {
        values.push([
            per_cpu_sum(&skel.maps.totals, m, 0)?,
            per_cpu_sum(&skel.maps.totals, m, 8)?,
            per_cpu_sum(&skel.maps.totals, m, 16)?,
        ]);
    }
    drop(events);
    Ok(Totals { runs, values })
}

/// The u64 at `offset` of entry `key`, summed over every CPU's copy.
fn per_cpu_sum(map: &dyn MapCore, key: u32, offset: usize) -> Result<u64, ProfileError> {
    let values = map
        .lookup_percpu(&key.to_ne_bytes(), MapFlags::ANY)
        .map_err(|e| other("read the totals", &e))?
        .unwrap_or_default();
    Ok(values
        .iter()
        .filter_map(|v| v.get(offset..offset + 8))
        .map(|b| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8])))
        .fold(0u64, u64::wrapping_add))
}
