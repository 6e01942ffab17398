//! Maps: show, the data verbs (bpftool's words, parsed by the command), create and pin.

use std::path::PathBuf;

use clap::Subcommand;

use super::ShowView;

// Verbs in bpftool's order (show, dump, update, lookup, getnext, delete, pin, event_pipe, create, peek, push,
// pop, freeze): `map p` is pin, `map e` is event_pipe, as in bpftool.
#[derive(Debug, Subcommand)]
pub enum MapVerb {
    /// Show maps: all of them, or those a selector names
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<MapSelector>,
        #[command(flatten)]
        view: ShowView,
    },
    /// Print every element: `map dump MAP` (batched reads; JSON streams as it is read)
    Dump(MapWords),
    /// Write one element: `map update MAP key DATA value VALUE [any|exist|noexist]`; VALUE may be a program
    /// (id|pinned|tag|name) for prog arrays, a map (id|pinned|name) for maps of maps, and one CPU's value for a
    /// per-CPU map (copied to every CPU). `map update MAP --from FILE|-` writes JSON Lines ({"key": [..],
    /// "value": [..]} as `map dump -j` prints them), all checked before the first write
    Update(MapWords),
    /// Print one element: `map lookup MAP key DATA` (exit 1 and JSON null when absent)
    Lookup(MapWords),
    /// Print the key after another: `map getnext MAP [key DATA]` (exit 1 after the last key)
    Getnext(MapWords),
    /// Remove one element or all: `map delete MAP key DATA` | `map delete MAP --all`
    Delete(MapWords),
    /// Pin a map at a path on bpffs: `map pin MAP PATH`
    Pin(MapWords),
    /// Stream a ring buffer or perf event array, one line per event, until Ctrl-C: `map watch MAP [cpu N index
    /// M]` (alias: event_pipe; `cpu N index M` reads one CPU's perf buffer into slot M)
    #[command(visible_alias = "event_pipe")]
    Watch(MapWords),
    /// Create a map and pin it: `map create PATH type T key N value N entries N name NAME [flags F]
    /// [inner_map MAP] [offload_dev NAME]`
    Create(MapWords),
    /// Read the head of a queue or stack: `map peek MAP`; test a bloom filter: `map peek MAP value DATA`
    Peek(MapWords),
    /// Add to a queue or stack: `map push MAP value DATA` (alias: enqueue)
    #[command(visible_alias = "enqueue")]
    Push(MapWords),
    /// Remove and print the head of a queue or stack: `map pop MAP` (alias: dequeue)
    #[command(visible_alias = "dequeue")]
    Pop(MapWords),
    /// Forbid writes from user space from now on: `map freeze MAP`
    Freeze(MapWords),
}

/// The words after a map data verb, in bpftool's grammar: `MAP := id N | pinned PATH | name NAME`,
/// `DATA := [hex] BYTES` (each byte in C notation: 42, 0x2a, 052; or hex after `hex`).
#[derive(Debug, Clone, clap::Args)]
pub struct MapWords {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 1.., value_name = "WORDS")]
    pub words: Vec<String>,
}

/// Which maps: `id N`, `pinned PATH` or `name NAME`.
#[derive(Debug, Clone, Subcommand)]
pub enum MapSelector {
    /// The map with this id
    Id { id: String },
    /// The map pinned at PATH on a bpf file system
    Pinned { path: PathBuf },
    /// Maps with this name
    Name { name: String },
}
