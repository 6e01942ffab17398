//! One sample of the selected programs' counters, and the frame between two samples.
//!
//! A sample walks every program id and, for the selected ones, opens the program and reads its counters (one
//! info call, no names, no map ids). No fd is kept between samples: holding one would keep an unloaded program
//! alive and list ebpfctl as its holder. What never changes for an id (whether it is selected, its type, full
//! name, tag and load time) is read once, when the id first shows up; ids are not reused until the kernel's
//! 31-bit id counter wraps.

use std::collections::HashMap;
use std::os::fd::AsFd;

use crate::cli::TopSort;
use crate::error::{Error, ErrorKind, Result};
use crate::output::top::{IntervalTimes, TopFrame, TopProgram, TopTotals};
use crate::sys::bpf_obj::{self, ObjKind};
use crate::sys::bpf_stats::{prog_run_stats, RunStats};
use crate::sys::clock::{boottime_ns, realtime_ns, thread_cpu_ns};
use crate::sys::names::Named;
use crate::sys::prog_info::{prog_info, ProgInfo};

use crate::cmd::select::names::NameResolver;
use crate::cmd::select::refs::Refs;
use crate::cmd::select::{self, id_error};

/// One PROG selector, as the sampler tests it against each new program.
pub enum Want {
    Id(u32),
    Tag([u8; 8]),
    Name(String),
}

/// How a program is named on screen; read once per id.
struct Ident {
    prog_type: Named,
    name: String,
    tag: String,
    load_time_ns: u64,
}

/// A program id the sampler has met: its identity when it is selected, None when it is not.
struct Known {
    ident: Option<Ident>,
    /// The walk that last saw it; ids missing from the latest walk are forgotten.
    seen: u64,
}

/// The counters of the selected programs at one instant, in ascending id order.
pub struct Sample {
    pub boottime_ns: u64,
    pub realtime_ns: u64,
    pub stats: Vec<RunStats>,
    pub ids_walked: usize,
    pub cpu_ns: u64,
    pub wall_ns: u64,
}

pub struct Sampler {
    wants: Vec<(Want, String)>,
    matched: Vec<bool>,
    known: HashMap<u32, Known>,
    walk: u64,
    names: NameResolver,
}

fn is_enoent(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc::ENOENT)
}

impl Sampler {
    /// `wants` pairs each selector with its label for errors (`prog name foo`); none selects every program.
    pub fn new(wants: Vec<(Want, String)>) -> Sampler {
        Sampler {
            matched: vec![false; wants.len()],
            wants,
            known: HashMap::new(),
            walk: 0,
            names: NameResolver::default(),
        }
    }

    /// A selector that matched nothing in the first sample is an error, as in `prog show`.
    pub fn check_all_matched(&self) -> Result<()> {
        match self.matched.iter().position(|m| !m) {
            Some(i) => Err(Error::new(
                ErrorKind::NotFound,
                self.wants[i].1.clone(),
                "no such program",
            )),
            None => Ok(()),
        }
    }

    pub fn sample(&mut self) -> Result<Sample> {
        let (cpu0, wall0, realtime) = (thread_cpu_ns(), boottime_ns(), realtime_ns());
        self.walk += 1;
        let mut stats = Vec::with_capacity(self.known.len());
        let (mut cursor, mut ids_walked) = (0, 0);
        while let Some(id) = bpf_obj::next_id(ObjKind::Prog, cursor)
            .map_err(|e| Error::from_io("prog top", &e, "listing program ids"))?
        {
            cursor = id;
            ids_walked += 1;
            if let Some(known) = self.known.get_mut(&id) {
                known.seen = self.walk;
                if known.ident.is_none() {
                    continue;
                }
            }
            let fd = match bpf_obj::fd_by_id(ObjKind::Prog, id) {
                Ok(fd) => fd,
                Err(e) if is_enoent(&e) => continue,
                Err(e) => return Err(id_error(ObjKind::Prog, id, &e)),
            };
            let read = if self.known.contains_key(&id) {
                prog_run_stats(fd.as_fd())
            } else {
                prog_info(fd.as_fd()).map(|info| self.meet(&info))
            };
            match read {
                Ok(s) if s.id != 0 => stats.push(s),
                Ok(_) => {}
                Err(e) if is_enoent(&e) => continue,
                Err(e) => return Err(id_error(ObjKind::Prog, id, &e)),
            }
        }
        let walk = self.walk;
        self.known.retain(|_, k| k.seen == walk);
        Ok(Sample {
            boottime_ns: wall0,
            realtime_ns: realtime,
            stats,
            ids_walked,
            cpu_ns: thread_cpu_ns().saturating_sub(cpu0),
            wall_ns: boottime_ns().saturating_sub(wall0),
        })
    }

    /// A program seen for the first time: decide once whether it is selected and remember how it is named.
    /// Returns its counters, or id 0 when it is not selected.
    fn meet(&mut self, info: &ProgInfo) -> RunStats {
        let name = self.names.prog_full_name(info);
        let mut selected = self.wants.is_empty();
        for (i, (want, _)) in self.wants.iter().enumerate() {
            let hit = match want {
                Want::Id(id) => info.id == *id,
                Want::Tag(tag) => info.tag == *tag,
                Want::Name(wanted) => info.name == *wanted || name == *wanted,
            };
            self.matched[i] |= hit;
            selected |= hit;
        }
        let ident = selected.then(|| Ident {
            prog_type: Named::prog_type(info.prog_type),
            name,
            tag: crate::fastfmt::hex_string(&info.tag),
            load_time_ns: info.load_time_ns,
        });
        self.known.insert(
            info.id,
            Known {
                ident,
                seen: self.walk,
            },
        );
        if !selected {
            return RunStats::default();
        }
        RunStats {
            id: info.id,
            run_cnt: info.run_cnt,
            run_time_ns: info.run_time_ns,
            recursion_misses: info.recursion_misses,
        }
    }
}

/// What a frame needs besides the two samples.
pub struct FrameContext<'a> {
    pub refs: Option<&'a Refs>,
    pub online_cpus: u32,
    pub sort: TopSort,
    pub stats: &'static str,
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

impl Sampler {
    /// The interval from `prev` to `cur`: per program the deltas, rates and CPU share. A program missing from
    /// `prev` is new: when it was loaded after `prev` was taken, all it has counted belongs to this interval;
    /// otherwise (it was not selected or not seen then) it has no baseline yet and counts nothing. Programs
    /// missing from `cur` are gone and only counted.
    pub fn frame(&self, prev: &Sample, cur: &Sample, ctx: &FrameContext<'_>) -> TopFrame {
        let interval_ns = cur.boottime_ns.saturating_sub(prev.boottime_ns).max(1);
        let secs = interval_ns as f64 / 1e9;
        let machine_ns = interval_ns as f64 * f64::from(ctx.online_cpus.max(1));
        let mut totals = TopTotals::default();
        let mut kept = 0;
        let mut programs = Vec::with_capacity(cur.stats.len());
        for now in &cur.stats {
            let Some(ident) = self.known.get(&now.id).and_then(|k| k.ident.as_ref()) else {
                continue;
            };
            let before = prev
                .stats
                .binary_search_by_key(&now.id, |s| s.id)
                .ok()
                .map(|i| prev.stats[i]);
            let new = before.is_none();
            let base = match before {
                Some(b) => b,
                None if ident.load_time_ns >= prev.boottime_ns => RunStats::default(),
                None => *now,
            };
            kept += usize::from(!new);
            let events = now.run_cnt.saturating_sub(base.run_cnt);
            let runtime_ns = now.run_time_ns.saturating_sub(base.run_time_ns);
            totals.new += usize::from(new);
            totals.events += events;
            totals.runtime_ns += runtime_ns;
            programs.push(TopProgram {
                id: now.id,
                prog_type: ident.prog_type,
                name: (!ident.name.is_empty()).then(|| ident.name.clone()),
                tag: ident.tag.clone(),
                new,
                events,
                events_per_sec: round(events as f64 / secs, 1),
                runtime_ns,
                avg_ns: (events > 0).then(|| round(runtime_ns as f64 / events as f64, 1)),
                cpu_percent: round(runtime_ns as f64 * 100.0 / machine_ns, 4),
                run_cnt: now.run_cnt,
                run_time_ns: now.run_time_ns,
                recursion_misses: now.recursion_misses,
                pinned: ctx.refs.map(|r| r.pinned(now.id)).unwrap_or_default(),
                pids: ctx.refs.map(|r| r.pids(now.id)).unwrap_or_default(),
            });
        }
        totals.programs = programs.len();
        totals.gone = prev.stats.len().saturating_sub(kept);
        totals.events_per_sec = round(totals.events as f64 / secs, 1);
        totals.cpu_percent = round(totals.runtime_ns as f64 * 100.0 / machine_ns, 4);
        sort_programs(&mut programs, ctx.sort);
        TopFrame {
            interval: IntervalTimes {
                start: round(prev.realtime_ns as f64 / 1e9, 6),
                end: round(cur.realtime_ns as f64 / 1e9, 6),
                seconds: round(secs, 6),
                start_boottime_ns: prev.boottime_ns,
                end_boottime_ns: cur.boottime_ns,
            },
            online_cpus: ctx.online_cpus,
            stats: ctx.stats,
            sort: sort_label(ctx.sort),
            totals,
            programs,
        }
    }
}

pub fn sort_label(sort: TopSort) -> &'static str {
    match sort {
        TopSort::Cpu => "cpu",
        TopSort::Runtime => "runtime",
        TopSort::Events => "events",
        TopSort::Name => "name",
    }
}

/// Busiest first (ties by id), or by name: `cpu` is the interval's run time, `runtime` the total since
/// statistics came on, `events` the interval's runs.
pub fn sort_programs(programs: &mut [TopProgram], sort: TopSort) {
    programs.sort_by(|a, b| {
        let order = match sort {
            TopSort::Cpu => (b.runtime_ns, b.events).cmp(&(a.runtime_ns, a.events)),
            TopSort::Runtime => b.run_time_ns.cmp(&a.run_time_ns),
            TopSort::Events => (b.events, b.runtime_ns).cmp(&(a.events, a.runtime_ns)),
            TopSort::Name => a.name.cmp(&b.name),
        };
        order.then(a.id.cmp(&b.id))
    });
}

/// PROG words (`id 5 name foo pinned /sys/fs/bpf/p …`) as selectors; ids and pins are resolved now, with the
/// errors `prog show` gives, so a typo fails at once.
pub fn parse_wants(words: &[String]) -> Result<Vec<(Want, String)>> {
    if words.len() % 2 != 0 {
        return Err(select::words::usage(
            "PROG is two words: id N | pinned PATH | tag HEX | name NAME",
        ));
    }
    let mut wants = Vec::new();
    for pair in words.chunks(2) {
        let label = format!("prog {} {}", pair[0], pair[1]);
        let want = match crate::cmd::select::resolve::prog_selector(pair)? {
            crate::cli::ProgSelector::Id { id } => {
                let (_fd, id) = select::open_id(ObjKind::Prog, &id)?;
                Want::Id(id)
            }
            crate::cli::ProgSelector::Pinned { path } => {
                let fd = select::open_pinned(ObjKind::Prog, &path, bpf_obj::obj_get)?;
                let id = bpf_obj::id_of_fd(fd.as_fd(), ObjKind::Prog).map_err(|e| {
                    Error::from_io(path.display().to_string(), &e, "cannot read info")
                })?;
                Want::Id(id)
            }
            crate::cli::ProgSelector::Tag { tag } => Want::Tag(select::parse_tag(&tag)?),
            crate::cli::ProgSelector::Name { name } => Want::Name(name),
        };
        wants.push((want, label));
    }
    Ok(wants)
}
