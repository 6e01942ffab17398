//! `prog top`: which programs cost CPU right now, refreshed every interval.

use clap::ValueEnum;

#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "PROG words (any number, any mix): id N | pinned PATH | tag HEX | name NAME\n\n\
On a terminal: a table refreshed in place (keys: q quit, c/e/r/n sort by cpu/events/runtime/name).\n\
With -j: one JSON object per interval per line (JSON Lines). In a pipe without -j: a plain table per interval.\n\
Run-time statistics are switched on only while the command runs (BPF_ENABLE_STATS)."
)]
pub struct TopArgs {
    /// Seconds between samples (decimals allowed, 0.1 to 3600)
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub interval: f64,
    /// Stop after N intervals (default: until q, Ctrl-C or SIGTERM)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Order of the programs
    #[arg(long, value_enum, default_value_t = TopSort::Cpu)]
    pub sort: TopSort,
    /// Only these programs: id N | pinned PATH | tag HEX | name NAME, repeatable (default: every program)
    #[arg(value_name = "PROG")]
    pub prog: Vec<String>,
}

/// How `prog top` orders programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TopSort {
    /// CPU time used in the last interval
    Cpu,
    /// Run time counted since statistics were switched on
    Runtime,
    /// Runs per second in the last interval
    Events,
    /// Name, then id
    Name,
}
