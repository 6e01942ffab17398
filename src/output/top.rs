//! `prog top`: one interval's cost of every program. JSON (one object per interval, a JSON Lines stream) and the
//! plain table of a pipe come from `Render`; a terminal gets `screen_lines`, fitted to its size, which
//! `output::screen` draws in place.

use serde::Serialize;

use super::prog::pids_cell;
use super::show::Pid;
use super::{Render, Text, Tone};
use crate::sys::names::Named;

/// One interval: when it was, what the machine is, and every selected program's cost in it.
#[derive(Debug, Serialize)]
pub struct TopFrame {
    pub interval: IntervalTimes,
    pub online_cpus: u32,
    /// Who keeps the kernel counting: "ebpfctl" (its BPF_ENABLE_STATS fd, gone when it exits) or "sysctl"
    /// (kernel.bpf_stats_enabled was already 1, and stays so).
    pub stats: &'static str,
    pub sort: &'static str,
    pub totals: TopTotals,
    pub programs: Vec<TopProgram>,
}

/// The interval's two samples: wall clock (epoch seconds, microsecond precision) and CLOCK_BOOTTIME, the clock of
/// the kernel's `load_time`.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalTimes {
    pub start: f64,
    pub end: f64,
    pub seconds: f64,
    pub start_boottime_ns: u64,
    pub end_boottime_ns: u64,
}

/// The selected programs together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TopTotals {
    pub programs: usize,
    pub new: usize,
    pub gone: usize,
    pub events: u64,
    pub events_per_sec: f64,
    pub runtime_ns: u64,
    pub cpu_percent: f64,
}

/// One program in one interval. `events` and `runtime_ns` are the interval's deltas of the kernel's `run_cnt`
/// and `run_time_ns`, which are shown too (bpftool's names, the kernel's totals since statistics came on).
#[derive(Debug, Clone, Serialize)]
pub struct TopProgram {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub tag: String,
    /// Loaded since the previous sample: its whole count so far is this interval's.
    pub new: bool,
    pub events: u64,
    pub events_per_sec: f64,
    pub runtime_ns: u64,
    /// Nanoseconds per run; null when it did not run.
    pub avg_ns: Option<f64>,
    /// Share of the whole machine: runtime / interval / online CPUs.
    pub cpu_percent: f64,
    pub run_cnt: u64,
    pub run_time_ns: u64,
    pub recursion_misses: u64,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
}

/// What ebpfctl itself cost, for `-d`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelfCost {
    /// The last sample: CPU time of the sampling thread, wall time, programs whose counters were read.
    pub sample_cpu_ns: u64,
    pub sample_wall_ns: u64,
    pub programs_read: usize,
    pub ids_walked: usize,
    /// The whole process over the last interval (every thread: sampling, pins and holders, drawing).
    pub interval_cpu_ns: u64,
    pub interval_ns: u64,
    /// The last refresh of pins and holders (bpffs and /proc walks), wall time.
    pub refs_wall_ns: u64,
}

/// The `-d` line: ebpfctl's own overhead in the last interval.
pub fn cost_line(cost: &SelfCost) -> String {
    let share = percent(cost.interval_cpu_ns, cost.interval_ns);
    format!(
        "self: sample {} ids ({} read) {:.2} ms CPU {:.2} ms wall | interval {:.2} ms CPU ({share:.2}% of a CPU) \
         | pins+pids {:.1} ms",
        cost.ids_walked,
        cost.programs_read,
        ms(cost.sample_cpu_ns),
        ms(cost.sample_wall_ns),
        ms(cost.interval_cpu_ns),
        ms(cost.refs_wall_ns),
    )
}

/// The `-d` line for the baseline sample, which also reads each program's name, type and tag.
pub fn first_sample_line(cost: &SelfCost) -> String {
    format!(
        "self: first sample {} ids ({} read) {:.2} ms CPU {:.2} ms wall (names included)",
        cost.ids_walked,
        cost.programs_read,
        ms(cost.sample_cpu_ns),
        ms(cost.sample_wall_ns)
    )
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn local_time(epoch: f64) -> String {
    crate::sys::clock::local_iso8601(epoch.floor() as i64)
}

/// The summary above the table, in both text forms.
fn summary(frame: &TopFrame) -> String {
    let t = &frame.totals;
    format!(
        "{} programs ({} new, {} gone)  {:.1} events/s  BPF CPU {:.2}% of {} CPUs",
        t.programs, t.new, t.gone, t.events_per_sec, t.cpu_percent, frame.online_cpus
    )
}

/// `17*`: the id, starred when the program is new in this interval.
fn id_cell(p: &TopProgram) -> String {
    if p.new {
        format!("{}*", p.id)
    } else {
        p.id.to_string()
    }
}

impl Render for TopFrame {
    /// A pipe gets exact numbers in plain columns, one block per interval (as `top -b`), for awk and grep.
    fn render(&self, text: &mut Text) {
        text.line(format!(
            "{}  interval {:.3} s  {}",
            local_time(self.interval.end),
            self.interval.seconds,
            summary(self)
        ));
        let header = [
            "ID",
            "TYPE",
            "NAME",
            "CPU%",
            "EVENTS/S",
            "AVG_NS",
            "RUN_CNT",
            "RUN_TIME_NS",
            "PIDS",
            "PINNED",
        ];
        let rows: Vec<_> = self
            .programs
            .iter()
            .map(|p| {
                [
                    id_cell(p),
                    p.prog_type.to_string(),
                    p.name.clone().unwrap_or_default(),
                    format!("{:.3}", p.cpu_percent),
                    format!("{:.1}", p.events_per_sec),
                    p.avg_ns.map(|a| format!("{a:.1}")).unwrap_or_default(),
                    p.run_cnt.to_string(),
                    p.run_time_ns.to_string(),
                    pids_cell(&p.pids).replace(", ", ","),
                    p.pinned.join(","),
                ]
                .into_iter()
                // Every cell a word, so `awk '{print $5}'` finds the same column on every row.
                .map(|c| text.cell(if c.is_empty() { "-".into() } else { c }, Tone::Plain))
                .collect::<Vec<_>>()
            })
            .collect();
        text.table(&header, rows);
        text.line("");
    }
}

/// What the screen's title line says besides the frame.
pub struct ScreenHead<'a> {
    pub interval_secs: f64,
    pub sort: &'static str,
    pub cost: Option<&'a SelfCost>,
    /// Shown instead of the table before the first interval is complete.
    pub waiting: Option<String>,
}

/// The screen: title, summary, optional cost line, then as many rows as fit, each cut to `width` characters.
/// Columns are kept in order of importance (ID, NAME, CPU%, EVENTS/S, AVG, TYPE, RUNS, RUN TIME, PIDS, PINNED)
/// while they fit; the column header is the line the caller may show in reverse video (index returned).
pub fn screen_lines(
    frame: Option<&TopFrame>,
    head: &ScreenHead<'_>,
    width: usize,
    height: usize,
) -> (Vec<String>, Option<usize>) {
    let mut lines = Vec::with_capacity(height);
    let stats = frame.map_or("", |f| match f.stats {
        "sysctl" => "  stats on (sysctl)",
        _ => "  stats on while running",
    });
    // The time of day alone: the date is in the JSON, and the line must fit 80 columns.
    let when = frame
        .map(|f| {
            local_time(f.interval.end)
                .get(11..19)
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    lines.push(format!(
        "ebpfctl prog top  {when}  every {}s  sort {}{stats}  [q]uit [c]pu [e]vents [r]untime [n]ame",
        head.interval_secs, head.sort
    ));
    match frame {
        Some(f) => lines.push(summary(f)),
        None => lines.push(head.waiting.clone().unwrap_or_default()),
    }
    if let Some(cost) = head.cost {
        lines.push(cost_line(cost));
    }
    lines.push(String::new());
    let mut header_at = None;
    if let Some(frame) = frame {
        let rows = height.saturating_sub(lines.len() + 1);
        let table = fit_columns(&frame.programs[..frame.programs.len().min(rows)], width);
        header_at = Some(lines.len());
        lines.extend(table);
    }
    for line in &mut lines {
        cut(line, width);
    }
    lines.truncate(height);
    (lines, header_at)
}

/// Cuts `line` to `width` characters.
fn cut(line: &mut String, width: usize) {
    if let Some((at, _)) = line.char_indices().nth(width) {
        line.truncate(at);
    }
}

/// A column of the screen table: title, cells, right-aligned or not, and how narrow a text column may be cut.
struct Column {
    title: &'static str,
    cells: Vec<String>,
    right: bool,
    min: usize,
}

impl Column {
    fn new(title: &'static str, right: bool, min: usize, cells: Vec<String>) -> Column {
        Column {
            title,
            cells,
            right,
            min,
        }
    }

    fn natural(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.chars().count())
            .chain([self.title.len()])
            .max()
            .unwrap_or(0)
    }
}

fn screen_columns(progs: &[TopProgram]) -> Vec<Column> {
    let col = |title, right, min, f: &dyn Fn(&TopProgram) -> String| {
        Column::new(title, right, min, progs.iter().map(f).collect())
    };
    vec![
        col("ID", true, 0, &id_cell),
        col("NAME", false, 8, &|p| p.name.clone().unwrap_or_default()),
        col("CPU%", true, 0, &|p| format!("{:.2}", p.cpu_percent)),
        col("EVENTS/S", true, 0, &|p| compact(p.events_per_sec)),
        col("AVG", true, 0, &|p| {
            p.avg_ns.map(duration).unwrap_or_default()
        }),
        col("TYPE", false, 0, &|p| p.prog_type.to_string()),
        col("RUNS", true, 0, &|p| compact(p.run_cnt as f64)),
        col("RUN TIME", true, 0, &|p| duration(p.run_time_ns as f64)),
        col("PIDS", false, 10, &|p| pids_cell(&p.pids)),
        col("PINNED", false, 10, &|p| p.pinned.join(",")),
    ]
}

/// Where each column goes on the screen, left to right.
const SCREEN_ORDER: [&str; 10] = [
    "ID", "TYPE", "NAME", "CPU%", "EVENTS/S", "AVG", "RUNS", "RUN TIME", "PIDS", "PINNED",
];

/// The table as lines of at most `width` characters: columns join in order of importance while their natural
/// width fits; a text column that does not fit whole is cut to what is left (never below its minimum).
fn fit_columns(progs: &[TopProgram], width: usize) -> Vec<String> {
    const GAP: usize = 2;
    let mut chosen: Vec<(Column, usize)> = Vec::new();
    let mut used = 0;
    for column in screen_columns(progs) {
        let gap = if chosen.is_empty() { 0 } else { GAP };
        let left = width.saturating_sub(used + gap);
        let natural = column.natural();
        let take = if natural <= left {
            natural
        } else if column.min > 0 && left >= column.min {
            left
        } else {
            continue;
        };
        used += gap + take;
        chosen.push((column, take));
    }
    chosen.sort_by_key(|(c, _)| SCREEN_ORDER.iter().position(|t| *t == c.title));
    let mut lines = vec![String::new(); progs.len() + 1];
    for (i, (column, w)) in chosen.iter().enumerate() {
        let cells = std::iter::once(column.title.to_string()).chain(column.cells.iter().cloned());
        for (line, mut cell) in lines.iter_mut().zip(cells) {
            if i > 0 {
                line.push_str("  ");
            }
            cut(&mut cell, *w);
            let pad = w - cell.chars().count();
            if column.right {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(&cell);
            } else {
                line.push_str(&cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
    lines
}

/// A count or rate in at most 6 characters: 0.5, 812, 45123, 1.23M, 4.50G.
fn compact(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    match v {
        v if v < 10.0 => format!("{v:.1}"),
        v if v < 100_000.0 => format!("{v:.0}"),
        v if v < 1e9 => format!("{:.2}M", v / 1e6),
        v => format!("{:.2}G", v / 1e9),
    }
}

/// Nanoseconds as a short duration: 85ns, 1.2us, 3.40ms, 12.5s, 3m05s.
fn duration(ns: f64) -> String {
    if ns == 0.0 {
        return "0".to_string();
    }
    match ns {
        n if n < 1e3 => format!("{n:.0}ns"),
        n if n < 1e6 => format!("{:.1}us", n / 1e3),
        n if n < 1e9 => format!("{:.2}ms", n / 1e6),
        n if n < 60e9 => format!("{:.1}s", n / 1e9),
        n => {
            let secs = (n / 1e9) as u64;
            format!("{}m{:02}s", secs / 60, secs % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prog(id: u32, name: &str, cpu: f64) -> TopProgram {
        TopProgram {
            id,
            prog_type: Named::Known("tracepoint"),
            name: Some(name.to_string()),
            tag: "0011223344556677".into(),
            new: id == 2,
            events: 100,
            events_per_sec: 100.0,
            runtime_ns: 5000,
            avg_ns: Some(50.0),
            cpu_percent: cpu,
            run_cnt: 1000,
            run_time_ns: 50_000,
            recursion_misses: 0,
            pinned: vec!["/sys/fs/bpf/a/very/long/pinned/path".into()],
            pids: vec![Pid {
                pid: 42,
                comm: "agent".into(),
            }],
        }
    }

    #[test]
    fn columns_drop_from_the_least_important_and_lines_fit() {
        let progs = [prog(1, "handle_sys_enter", 1.5), prog(2, "x", 0.25)];
        for width in [20, 40, 60, 80, 200] {
            let lines = fit_columns(&progs, width);
            assert_eq!(lines.len(), 3);
            for line in &lines {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            assert!(lines[0].starts_with("ID"), "{lines:?}");
        }
        let wide = fit_columns(&progs, 200);
        assert!(wide[0].contains("PINNED") && wide[1].contains("agent(42)"));
        assert!(wide[2].trim_start().starts_with("2*"), "{wide:?}");
        let narrow = fit_columns(&progs, 40);
        assert!(narrow[0].contains("CPU%") && !narrow[0].contains("PINNED"));
    }

    #[test]
    fn numbers_stay_short() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(2.5), "2.5");
        assert_eq!(compact(45123.4), "45123");
        assert_eq!(compact(1_234_567.0), "1.23M");
        assert_eq!(duration(85.0), "85ns");
        assert_eq!(duration(3_400_000.0), "3.40ms");
        assert_eq!(duration(185e9), "3m05s");
    }
}
