//! Runs independent probes on a few threads (`sys::parallel`). Each probe is one bpf() call of a few microseconds
//! to a few hundred; each thread has its own verifier log buffer.

use crate::sys::probe::LogBuf;

/// `probe(job, log)` for every job, results aligned with `jobs` (None only if a probe thread died).
pub fn run<J, R, F>(jobs: &[J], probe: F) -> Vec<Option<R>>
where
    J: Sync,
    R: Send,
    F: Fn(&J, &mut LogBuf) -> R + Sync,
{
    crate::sys::parallel::map_with(jobs, LogBuf::new, probe)
}
