//! `ebpfctl prog top [--interval SECS] [--count N] [--sort cpu|runtime|events|name] [PROG…]`: which programs cost
//! CPU right now. Every interval: per program the deltas of the kernel's `run_cnt` and `run_time_ns`, runs per
//! second, nanoseconds per run and the share of the whole machine's CPU time.
//!
//! The kernel counts only while statistics are on. ebpfctl switches them on with BPF_ENABLE_STATS, whose fd the
//! kernel closes when ebpfctl exits, however it exits; an operator's `sysctl kernel.bpf_stats_enabled=1` is left
//! as it is. On a terminal the table refreshes in place (`screen`); otherwise each interval is printed once
//! (`stream`): one JSON object per line under -j, a plain table in a pipe.

mod refs;
mod sample;
mod screen;

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use crate::cli::{TopArgs, TopSort};
use crate::error::{Error, ErrorKind, Result};
use crate::output::top::{cost_line, first_sample_line, SelfCost, TopFrame};
use crate::sys::bpf_stats::{enable_run_time_stats, stats_sysctl};
use crate::sys::clock::process_cpu_ns;
use crate::sys::signal;

use crate::cmd::{CmdResult, Context, Outcome};
use refs::RefsCache;
use sample::{FrameContext, Sample, Sampler};

const OBJECT: &str = "prog top";

pub fn run(ctx: &Context, args: TopArgs) -> CmdResult {
    let interval = interval(args.interval)?;
    let wants = sample::parse_wants(&args.prog)?;
    let stats = StatsOn::enable()?;
    let mut top = Top::start(ctx, wants, args.sort, stats.label, interval)?;
    let outcome = if ctx.out.is_terminal() {
        screen::run(ctx, &mut top, args.count)
    } else {
        stream(ctx, &mut top, args.count)
    };
    drop(stats);
    outcome
}

fn interval(secs: f64) -> Result<Duration> {
    if !(0.1..=3600.0).contains(&secs) {
        return Err(Error::invalid(
            "prog top --interval",
            format!("{secs} is not between 0.1 and 3600 seconds"),
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Statistics kept on for as long as this lives. The fd is held, never read: closing it (or dying) is what
/// switches the kernel's counting off again, unless the sysctl or another holder keeps it on.
struct StatsOn {
    _fd: Option<OwnedFd>,
    label: &'static str,
}

impl StatsOn {
    fn enable() -> Result<StatsOn> {
        let sysctl = stats_sysctl() == Some(true);
        let label = if sysctl { "sysctl" } else { "ebpfctl" };
        let err = match enable_run_time_stats() {
            Ok(fd) => {
                return Ok(StatsOn {
                    _fd: Some(fd),
                    label,
                })
            }
            // Already counting for everybody: nothing of ours is needed.
            Err(_) if sysctl => return Ok(StatsOn { _fd: None, label }),
            Err(e) => e,
        };
        Err(match err.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => Error::new(
                ErrorKind::Permission,
                OBJECT,
                "switching on run-time statistics (BPF_ENABLE_STATS) needs CAP_SYS_ADMIN",
            ),
            Some(libc::EINVAL) => Error::new(
                ErrorKind::Unsupported,
                OBJECT,
                "this kernel has no BPF_ENABLE_STATS (Linux 5.8); on 5.1 to 5.7 set \
                 `sysctl kernel.bpf_stats_enabled=1` while watching (and 0 after)",
            ),
            _ => Error::from_io(OBJECT, &err, "switching on run-time statistics"),
        })
    }
}

/// The running command: the last sample, what the next frame needs, and ebpfctl's own cost.
pub(super) struct Top {
    sampler: Sampler,
    prev: Sample,
    refs: RefsCache,
    pub sort: TopSort,
    stats: &'static str,
    pub interval: Duration,
    pub cost: SelfCost,
    cpu_mark: u64,
}

impl Top {
    /// Takes the baseline sample and starts the first walk of pins and holders.
    fn start(
        ctx: &Context,
        wants: Vec<(sample::Want, String)>,
        sort: TopSort,
        stats: &'static str,
        interval: Duration,
    ) -> Result<Top> {
        let refs = RefsCache::start(ctx);
        let mut sampler = Sampler::new(wants);
        let prev = sampler.sample()?;
        sampler.check_all_matched()?;
        let cost = SelfCost {
            sample_cpu_ns: prev.cpu_ns,
            sample_wall_ns: prev.wall_ns,
            programs_read: prev.stats.len(),
            ids_walked: prev.ids_walked,
            ..SelfCost::default()
        };
        if !ctx.out.is_terminal() {
            ctx.note(&first_sample_line(&cost));
        }
        Ok(Top {
            sampler,
            prev,
            refs,
            sort,
            stats,
            interval,
            cost,
            cpu_mark: process_cpu_ns(),
        })
    }

    /// Samples now and returns the interval since the previous sample.
    fn next_frame(&mut self) -> Result<TopFrame> {
        let cur = self.sampler.sample()?;
        let online_cpus = crate::sys::perf_event::online_cpus()
            .map(|c| c.len() as u32)
            .unwrap_or(1);
        let refs = self.refs.current();
        let frame = self.sampler.frame(
            &self.prev,
            &cur,
            &FrameContext {
                refs,
                online_cpus,
                sort: self.sort,
                stats: self.stats,
            },
        );
        self.refs
            .maybe_refresh(cur.boottime_ns, frame.totals.new > 0);
        let cpu = process_cpu_ns();
        self.cost = SelfCost {
            sample_cpu_ns: cur.cpu_ns,
            sample_wall_ns: cur.wall_ns,
            programs_read: cur.stats.len(),
            ids_walked: cur.ids_walked,
            interval_cpu_ns: cpu.saturating_sub(self.cpu_mark),
            interval_ns: cur.boottime_ns.saturating_sub(self.prev.boottime_ns),
            refs_wall_ns: self.refs.last_wall_ns(),
        };
        self.cpu_mark = cpu;
        self.prev = cur;
        Ok(frame)
    }

    /// The sort changed (a key on the screen): the frame shown is reordered at once.
    pub fn resort(&mut self, frame: &mut TopFrame, sort: TopSort) {
        self.sort = sort;
        sample::sort_programs(&mut frame.programs, sort);
        frame.sort = sample::sort_label(sort);
    }
}

/// The next sampling instant: one interval after the last, or one after now when sampling fell behind.
fn next_deadline(deadline: Instant, interval: Duration) -> Instant {
    let next = deadline + interval;
    let now = Instant::now();
    if next < now {
        now + interval
    } else {
        next
    }
}

/// Not a terminal: each interval printed once and flushed (a JSON Lines record under -j, a plain table
/// otherwise), until --count, Ctrl-C, SIGTERM or a closed pipe.
fn stream(ctx: &Context, top: &mut Top, count: Option<u64>) -> CmdResult {
    signal::stop_on_interrupt();
    let mut deadline = Instant::now() + top.interval;
    let mut printed = 0u64;
    while count != Some(printed) {
        loop {
            let now = Instant::now();
            if now >= deadline || signal::stop_requested() {
                break;
            }
            signal::pause_for(deadline - now);
        }
        if signal::stop_requested() {
            break;
        }
        let frame = top.next_frame()?;
        ctx.note(&cost_line(&top.cost));
        match ctx.out.emit(&frame) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
            Err(e) => return Err(Error::from_io("stdout", &e, "write failed")),
        }
        printed += 1;
        deadline = next_deadline(deadline, top.interval);
    }
    Ok(Outcome::Success)
}
