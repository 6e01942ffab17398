//! `prog profile PROG [duration SECONDS] [METRIC...]`: bpftool's method. The embedded profiler (sys::profiler)
//! attaches fentry/fexit to the program's main function and reads per-CPU perf counters at both ends of every
//! run; the output is bpftool's (JSON: one object per metric with run_cnt, value, enabled, running).

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use crate::btf::Btf;
use crate::cli::ProgRef;
use crate::cmd::select::resolve;
use crate::cmd::select::words::{usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{kind_of_errno, Error, ErrorKind, Result};
use crate::loader::verifier;
use crate::output::prog_dump::{MetricReading, ProfileReport};
use crate::sys::perf_event::CounterKind;
use crate::sys::profiler::{self, ProfileError, MAX_METRICS};

/// A metric bpftool knows (plus `cpu_clock`), the counter behind it, and the ratio its text prints beside it.
struct Metric {
    name: &'static str,
    kind: CounterKind,
    /// (index of the base metric, what the ratio means, multiplier)
    ratio: Option<(usize, &'static str, f64)>,
}

const HARDWARE: u32 = 0;
const SOFTWARE: u32 = 1;
const HW_CACHE: u32 = 3;
/// PERF_TYPE_HW_CACHE configs: cache | op << 8 | result << 16, reads only, as bpftool counts them.
const fn cache(cache: u64, miss: bool) -> CounterKind {
    CounterKind {
        type_: HW_CACHE,
        config: cache | (miss as u64) << 16,
    }
}

const METRICS: [Metric; 7] = [
    Metric {
        name: "cycles",
        kind: CounterKind {
            type_: HARDWARE,
            config: 0,
        },
        ratio: None,
    },
    Metric {
        name: "instructions",
        kind: CounterKind {
            type_: HARDWARE,
            config: 1,
        },
        ratio: Some((0, "insns per cycle", 1.0)),
    },
    Metric {
        name: "l1d_loads",
        kind: cache(0, false),
        ratio: None,
    },
    Metric {
        name: "llc_misses",
        kind: cache(2, true),
        ratio: Some((1, "LLC misses per million insns", 1e6)),
    },
    Metric {
        name: "itlb_misses",
        kind: cache(4, true),
        ratio: Some((1, "itlb misses per million insns", 1e6)),
    },
    Metric {
        name: "dtlb_misses",
        kind: cache(3, true),
        ratio: Some((1, "dtlb misses per million insns", 1e6)),
    },
    // Not bpftool's: nanoseconds of CPU time (software clock), for machines without hardware counters (VMs).
    Metric {
        name: "cpu_clock",
        kind: CounterKind {
            type_: SOFTWARE,
            config: 0,
        },
        ratio: None,
    },
];

/// The request: how long, and which metrics (indices into METRICS, in table order as bpftool prints them).
#[derive(Debug, PartialEq, Eq)]
struct Request {
    duration: Option<u64>,
    metrics: Vec<usize>,
}

fn parse(options: &[String]) -> Result<Request> {
    let mut words = Words::new(options);
    let mut duration = None;
    if words.peek() == Some("duration") {
        words.next_word();
        duration = Some(words.number::<u64>("duration")?);
    }
    let mut selected = [false; METRICS.len()];
    while let Some(w) = words.next_word() {
        // bpftool takes any prefix of a name (`cyc`), the first in table order.
        let found = METRICS
            .iter()
            .position(|m| !w.is_empty() && m.name.starts_with(w))
            .ok_or_else(|| {
                let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
                usage(format!(
                    "unknown metric {w:?} (metrics: {})",
                    names.join(" | ")
                ))
            })?;
        selected[found] = true;
    }
    let mut metrics: Vec<usize> = (0..METRICS.len()).filter(|&i| selected[i]).collect();
    if metrics.is_empty() {
        metrics = vec![0, 1];
    }
    if metrics.len() > MAX_METRICS {
        return Err(usage(format!(
            "{} metrics asked; at most {MAX_METRICS} at a time",
            metrics.len()
        )));
    }
    Ok(Request { duration, metrics })
}

pub fn run(ctx: &Context, prog: &ProgRef, options: &[String]) -> CmdResult {
    let request = parse(options)?;
    let prog = resolve::prog_ref(prog)?;
    let func = main_function(&prog.label, prog.fd.as_fd())?;
    let kinds: Vec<CounterKind> = request.metrics.iter().map(|&i| METRICS[i].kind).collect();
    let totals = profiler::profile(prog.fd.as_fd(), &func, &kinds, || wait(request.duration))
        .map_err(|e| profile_error(&prog.label, &request, e))?;
    let readings = request
        .metrics
        .iter()
        .zip(&totals.values)
        .map(|(&i, v)| MetricReading {
            metric: METRICS[i].name,
            run_cnt: totals.runs,
            value: v[0],
            enabled: v[1],
            running: v[2],
            ratio: None,
        })
        .collect();
    show(ctx, &ProfileReport(with_ratios(readings)))?;
    Ok(Outcome::Success)
}

/// bpftool's ratios: a metric over its base metric (instructions per cycle, misses per million instructions),
/// when the base was read too and counted something.
fn with_ratios(mut readings: Vec<MetricReading>) -> Vec<MetricReading> {
    let value_of =
        |name: &str, r: &[MetricReading]| r.iter().find(|m| m.metric == name).map(|m| m.value);
    for i in 0..readings.len() {
        let Some(metric) = METRICS.iter().find(|m| m.name == readings[i].metric) else {
            continue;
        };
        let Some((base, what, mul)) = metric.ratio else {
            continue;
        };
        if let Some(b) = value_of(METRICS[base].name, &readings).filter(|&b| b > 0) {
            readings[i].ratio = Some((readings[i].value as f64 * mul / b as f64, what));
        }
    }
    readings
}

/// The BTF name of the program's main function: fentry/fexit attach to a BPF program by it.
fn main_function(label: &str, fd: std::os::fd::BorrowedFd<'_>) -> Result<String> {
    let info = crate::sys::prog_info::prog_info(fd)
        .map_err(|e| Error::from_io(label, &e, "cannot read program info"))?;
    let no_btf = || {
        Error::invalid(
            label,
            "fentry/fexit need the program's BTF function info, and it has none (load it from an object \
             built with -g)",
        )
    };
    let type_id = info
        .func_type_id
        .filter(|_| info.btf_id != 0)
        .ok_or_else(no_btf)?;
    // Without the object's name, which kernels before 5.11 refuse to report (E2BIG).
    let data = crate::sys::btf_info::btf_data_by_id(info.btf_id)
        .map_err(|e| Error::from_io(label, &e, "cannot read its BTF"))?;
    let btf = Btf::parse(&data).map_err(|e| {
        Error::new(
            ErrorKind::Kernel,
            label,
            format!("its BTF is unreadable: {e}"),
        )
    })?;
    let name = btf.type_by_id(type_id).map(|t| t.name().to_string());
    name.filter(|n| !n.is_empty()).ok_or_else(no_btf)
}

/// Sleeps for `seconds`, or until Ctrl-C/SIGTERM (which end the profile normally, with its readings).
fn wait(seconds: Option<u64>) {
    crate::sys::signal::stop_on_interrupt();
    let until = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    while !crate::sys::signal::stop_requested() {
        let step = Duration::from_millis(100);
        match until {
            Some(t) => {
                let now = Instant::now();
                if now >= t {
                    break;
                }
                std::thread::sleep(step.min(t - now));
            }
            None => std::thread::sleep(step),
        }
    }
}

fn profile_error(label: &str, request: &Request, e: ProfileError) -> Error {
    match e {
        ProfileError::Load { reason, .. }
            if !libbpf_rs::ProgramType::Tracing
                .is_supported()
                .unwrap_or(true) =>
        {
            Error::new(
                ErrorKind::Unsupported,
                label,
                format!(
                    "this kernel refuses fentry/fexit programs, which profiling needs ({reason})"
                ),
            )
        }
        ProfileError::Load { reason, messages } => {
            let failure = verifier::explain(&messages);
            let said = verifier::verdict(&failure).map(str::to_string);
            Error::new(
                ErrorKind::Kernel,
                label,
                match said.or(failure.libbpf_reason) {
                    Some(said) => format!("cannot load the profiler for it: {reason} ({said})"),
                    None => format!("cannot load the profiler for it: {reason}"),
                },
            )
        }
        ProfileError::Counter { metric, cpu, err } => {
            let name = METRICS[request.metrics[metric]].name;
            let errno = err.raw_os_error().unwrap_or(libc::EIO);
            let (kind, why) = match errno {
                libc::ENOENT | libc::EOPNOTSUPP => (
                    ErrorKind::Unsupported,
                    "this machine has no such counter (no hardware PMU, as in most VMs; cpu_clock works \
                     everywhere)"
                        .to_string(),
                ),
                libc::EACCES | libc::EPERM => (
                    ErrorKind::Permission,
                    "counting every process on a CPU needs CAP_PERFMON (or kernel.perf_event_paranoid <= 0)"
                        .to_string(),
                ),
                _ => (kind_of_errno(errno), crate::error::errno_text(errno)),
            };
            Error::new(
                kind,
                label,
                format!("cannot open the {name} counter on CPU {cpu}: {why}"),
            )
        }
        ProfileError::AttachUnsupported(why) => Error::new(
            ErrorKind::Unsupported,
            label,
            format!("this kernel cannot attach fentry/fexit to BPF programs, which profiling needs ({why})"),
        ),
        ProfileError::Other(why) => Error::new(ErrorKind::Kernel, label, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics_are_taken_by_prefix_once_in_table_order() {
        let r = parse(&words(&["duration", "3", "instr", "cyc", "cycles"])).unwrap();
        assert_eq!(
            r,
            Request {
                duration: Some(3),
                metrics: vec![0, 1]
            }
        );
        let r = parse(&words(&["cpu_clock"])).unwrap();
        assert_eq!(r.metrics, [6]);
        assert_eq!(parse(&[]).unwrap().metrics, [0, 1]);
    }

    #[test]
    fn bad_requests_are_usage_errors() {
        for bad in [
            &["bogus"][..],
            &["duration"][..],
            &["duration", "x"][..],
            &[
                "cycles",
                "instructions",
                "l1d_loads",
                "llc_misses",
                "dtlb_misses",
            ][..],
        ] {
            let e = parse(&words(bad)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn ratios_need_their_base_metric() {
        let reading = |metric, value| MetricReading {
            metric,
            run_cnt: 1,
            value,
            enabled: 1,
            running: 1,
            ratio: None,
        };
        let r = with_ratios(vec![reading("cycles", 200), reading("instructions", 100)]);
        assert_eq!(r[1].ratio, Some((0.5, "insns per cycle")));
        let r = with_ratios(vec![reading("llc_misses", 5)]);
        assert_eq!(r[0].ratio, None);
    }
}
