//! Runs independent probes on a few threads. Each probe is one bpf() call of a few microseconds to a few hundred,
//! so threads pull the next job from a shared counter (no fixed chunks: one slow probe does not idle the others).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::sys::probe::LogBuf;

/// How many probe threads: one per CPU, at most 8. Measured on 2 cores: 2 threads take ~0.6x the time of one;
/// 4 threads are slower than 2 (the kernel work per probe is CPU-bound).
fn thread_count(jobs: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    cpus.clamp(1, 8).min(jobs.max(1))
}

/// `probe(job, log)` for every job, results aligned with `jobs` (None only if a probe thread died, which would be
/// a bug). Each thread has its own verifier log buffer.
pub fn run<J, R, F>(jobs: &[J], probe: F) -> Vec<Option<R>>
where
    J: Sync,
    R: Send,
    F: Fn(&J, &mut LogBuf) -> R + Sync,
{
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut log = LogBuf::new();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            done.push((i, probe(job, &mut log)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..thread_count(jobs.len()))
            .map(|_| scope.spawn(worker))
            .collect();
        let mut all = worker();
        for handle in helpers {
            // A probe thread cannot panic short of a bug; its jobs are then reported as not probed.
            all.extend(handle.join().unwrap_or_default());
        }
        all
    });
    let mut aligned: Vec<Option<R>> = (0..jobs.len()).map(|_| None).collect();
    for (i, r) in results.drain(..) {
        aligned[i] = Some(r);
    }
    aligned
}
