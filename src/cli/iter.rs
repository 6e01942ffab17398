//! BPF iterators.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum IterCommand {
    /// Pin an iterator link at PATH (read it with cat): `iter pin OBJ PATH [map MAP]` loads OBJ and uses its
    /// first program, as bpftool; `iter pin PROG PATH` uses a loaded iter program (PROG := id N | pinned PATH |
    /// tag HEX | name NAME). `map MAP` (id N | pinned PATH | name NAME) is the map a map iterator walks
    Pin {
        /// OBJ PATH [map MAP] | PROG PATH [map MAP]
        #[arg(required = true, num_args = 2.., value_name = "WORDS")]
        words: Vec<String>,
    },
}
