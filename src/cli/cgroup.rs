//! Programs on cgroups.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CgroupCommand {
    /// Programs attached to one cgroup
    #[command(visible_alias = "list")]
    Show {
        cgroup: PathBuf,
        /// `effective` to include programs inherited from ancestors
        words: Vec<String>,
    },
    /// Programs attached anywhere under ROOT (default: the cgroup v2 mount)
    Tree {
        /// [ROOT] [effective]
        words: Vec<String>,
    },
    /// Attach: cgroup attach CGROUP TYPE PROG [multi|override]
    Attach {
        cgroup: PathBuf,
        attach_type: String,
        /// PROG (id N | pinned PATH | tag HEX | name NAME), then multi or override
        words: Vec<String>,
    },
    /// Detach: cgroup detach CGROUP TYPE PROG
    Detach {
        cgroup: PathBuf,
        attach_type: String,
        /// PROG (id N | pinned PATH | tag HEX | name NAME)
        words: Vec<String>,
    },
}
