//! BPF iterators.

use std::path::PathBuf;

use clap::Subcommand;

use super::ProgRef;

#[derive(Debug, Subcommand)]
pub enum IterCommand {
    /// Create an iterator link from a loaded iter program and pin it at PATH (read it with cat)
    Pin {
        #[command(flatten)]
        prog: ProgRef,
        path: PathBuf,
    },
}
