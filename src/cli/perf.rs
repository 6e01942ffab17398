//! Programs on perf events.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PerfCommand {
    /// Programs on perf events: per-process perf-event fds and perf/uprobe/tracepoint links
    #[command(visible_alias = "list")]
    Show,
}
