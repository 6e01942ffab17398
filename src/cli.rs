//! The whole command-line grammar, and nothing else: `ebpfctl [OPTIONS] OBJECT VERB [ARGS]`.
//! Completions and the man page are generated from these same definitions (see `cmd::completions`).

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ebpfctl",
    version,
    about = "Manage eBPF programs, maps and links; check what this kernel can do",
    long_about = "Manage eBPF programs, maps and links; check what this kernel can do.\n\n\
                  One static binary with bpftool's words and bpftool-compatible JSON.\n\n\
                  Exit status: 0 success, 1 negative verdict (a check or compat failure, a missing key), \
                  2 error or usage.",
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}
    #[arg(short = 'j', long = "json", global = true)]
    pub json: bool,

    /// Print pretty JSON (implies --json)
    #[arg(short = 'p', long = "pretty", global = true)]
    pub pretty: bool,

    /// Say more on stderr: libbpf's messages, verifier logs, objects that could not be read
    #[arg(short = 'd', long = "debug", global = true)]
    pub debug: bool,

    /// Accepted for bpftool compatibility; pinned paths are always shown
    #[arg(short = 'f', long = "bpffs", global = true)]
    pub bpffs: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Self-test this kernel end to end with the embedded CO-RE programs
    Check,

    /// Show ebpfctl's version, libbpf's version, the embedded objects and the build target
    Version,

    /// Print a shell completion script generated from this binary's grammar
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },

    /// Print the man page (roff) generated from this binary's grammar
    Manpage,

    /// Inspect loaded programs
    Prog {
        #[command(subcommand)]
        verb: ProgVerb,
    },

    /// Show, read and write maps
    Map {
        #[command(subcommand)]
        verb: MapVerb,
    },

    /// Inspect links (attachments of programs)
    Link {
        #[command(subcommand)]
        verb: LinkVerb,
    },

    /// Inspect BTF objects loaded in the kernel
    Btf {
        #[command(subcommand)]
        verb: BtfVerb,
    },

    /// Probe what this kernel (or an offload device) supports; list the names ebpfctl knows
    Feature {
        #[command(subcommand)]
        verb: FeatureVerb,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProgVerb {
    /// Show loaded programs: all of them, or those a selector names
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<ProgSelector>,
        #[command(flatten)]
        view: ShowView,
    },
}

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
    /// Print one element: `map lookup MAP key DATA` (exit 1 and JSON null when absent)
    Lookup(MapWords),
    /// Print the key after another: `map getnext MAP [key DATA]` (exit 1 after the last key)
    Getnext(MapWords),
    /// Write one element: `map update MAP key DATA value VALUE [any|exist|noexist]`; VALUE may be `id N` or
    /// `pinned PATH` for prog arrays and maps of maps. `map update MAP --from FILE|-` writes JSON Lines
    /// ({"key": [..], "value": [..]} as `map dump -j` prints them), all checked before the first write
    Update(MapWords),
    /// Remove one element or all: `map delete MAP key DATA` | `map delete MAP --all`
    Delete(MapWords),
    /// Forbid writes from user space from now on: `map freeze MAP`
    Freeze(MapWords),
    /// Read the head of a queue or stack: `map peek MAP`; test a bloom filter: `map peek MAP value DATA`
    Peek(MapWords),
    /// Remove and print the head of a queue or stack: `map pop MAP` (alias: dequeue)
    #[command(visible_alias = "dequeue")]
    Pop(MapWords),
    /// Add to a queue or stack: `map push MAP value DATA` (alias: enqueue)
    #[command(visible_alias = "enqueue")]
    Push(MapWords),
    /// Stream a ring buffer or perf event array, one line per event, until Ctrl-C: `map watch MAP`
    /// (alias: event_pipe)
    #[command(visible_alias = "event_pipe")]
    Watch(MapWords),
    /// Create a map and pin it: `map create PATH type T key N value N entries N name NAME [flags F]
    /// [inner_map MAP]`
    Create(MapWords),
    /// Pin a map at a path on bpffs: `map pin MAP PATH`
    Pin(MapWords),
}

#[derive(Debug, Subcommand)]
pub enum LinkVerb {
    /// Show links: all of them, or the one a selector names
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<LinkSelector>,
        #[command(flatten)]
        view: ShowView,
    },
}

#[derive(Debug, Subcommand)]
pub enum BtfVerb {
    /// Show BTF objects: all of them, or the one with this id
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<BtfSelector>,
        #[command(flatten)]
        view: ShowView,
    },
}

/// The words after a map data verb, in bpftool's grammar: `MAP := id N | pinned PATH | name NAME`,
/// `DATA := [hex] BYTES` (each byte in C notation: 42, 0x2a, 052; or hex after `hex`).
#[derive(Debug, Clone, clap::Args)]
pub struct MapWords {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 1.., value_name = "WORDS")]
    pub words: Vec<String>,
}

/// How `show` lays out its table (JSON always has every field).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ShowView {
    /// Add the remaining columns to the table (uid, memlock, BTF id, pinned paths, ...)
    #[arg(short = 'w', long = "wide", global = true)]
    pub wide: bool,
}

// Selector values are taken as text and checked by the command, so a malformed id or tag is reported like any
// other error: one line on stderr, a JSON error object under --json, exit status 2.

/// Which programs: `id N`, `pinned PATH`, `tag HEX` or `name NAME`.
#[derive(Debug, Clone, Subcommand)]
pub enum ProgSelector {
    /// The program with this id
    Id { id: String },
    /// The program pinned at PATH on a bpf file system
    Pinned { path: std::path::PathBuf },
    /// Programs with this tag (16 hex digits)
    Tag { tag: String },
    /// Programs with this name (the full name from BTF where the kernel keeps only 15 characters)
    Name { name: String },
}

/// Which maps: `id N`, `pinned PATH` or `name NAME`.
#[derive(Debug, Clone, Subcommand)]
pub enum MapSelector {
    /// The map with this id
    Id { id: String },
    /// The map pinned at PATH on a bpf file system
    Pinned { path: std::path::PathBuf },
    /// Maps with this name
    Name { name: String },
}

/// Which link: `id N` or `pinned PATH`.
#[derive(Debug, Clone, Subcommand)]
pub enum LinkSelector {
    /// The link with this id
    Id { id: String },
    /// The link pinned at PATH on a bpf file system
    Pinned { path: std::path::PathBuf },
}

/// Which BTF object: `id N`.
#[derive(Debug, Clone, Subcommand)]
pub enum BtfSelector {
    /// The BTF object with this id
    Id { id: String },
}

#[derive(Debug, Subcommand)]
pub enum FeatureVerb {
    /// Probe program types, map types, helpers per program type and ISA features, as bpftool does
    #[command(
        override_usage = "ebpfctl feature probe [kernel | dev NAME] [full] [unprivileged] [macros [prefix PREFIX]] [--extended]",
        after_help = "Words (bpftool's grammar, any order):\n  \
                      kernel          probe the running kernel (the default)\n  \
                      dev NAME        probe offload to network device NAME (no system_config)\n  \
                      full            include bpf_probe_write_user, bpf_trace_printk, bpf_trace_vprintk\n  \
                      unprivileged    probe without CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON\n  \
                      macros          print C #define lines instead of a report (ignored with -j)\n  \
                      prefix PREFIX   prefix every macro name (after macros)"
    )]
    Probe(FeatureProbeArgs),

    /// List the program/map/attach/link type or helper names ebpfctl knows (libbpf's tables)
    #[command(name = "list_builtins")]
    ListBuiltins {
        #[arg(value_enum)]
        kind: BuiltinKind,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct FeatureProbeArgs {
    /// kernel | dev NAME | full | unprivileged | macros [prefix PREFIX]
    #[arg(value_name = "WORD")]
    pub words: Vec<String>,

    /// Add top-level kernel, kfuncs, attach_types, link_types and errors (reasons for null probes)
    #[arg(long)]
    pub extended: bool,
}

/// `feature probe`'s words, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeWords {
    pub dev: Option<String>,
    pub full: bool,
    pub unprivileged: bool,
    /// Some(prefix) when `macros` was given ("" without `prefix`).
    pub macros: Option<String>,
}

impl FeatureProbeArgs {
    /// Reads bpftool's keyword grammar: each word at most once, `dev` and `prefix` take the next word.
    pub fn resolve(&self) -> Result<ProbeWords, String> {
        let mut out = ProbeWords::default();
        let mut target_given = false;
        let mut prefix = None;
        let mut words = self.words.iter();
        while let Some(word) = words.next() {
            let mut value =
                |what: &str| words.next().cloned().ok_or(format!("{what} needs a value"));
            match word.as_str() {
                "kernel" | "dev" if target_given => {
                    return Err("give at most one of kernel, dev NAME".into())
                }
                "kernel" => target_given = true,
                "dev" => {
                    out.dev = Some(value("dev")?);
                    target_given = true;
                }
                "full" => out.full = true,
                "unprivileged" => out.unprivileged = true,
                "macros" => out.macros = Some(String::new()),
                "prefix" => prefix = Some(value("prefix")?),
                other => return Err(format!("unexpected word '{other}'")),
            }
        }
        match (prefix, &mut out.macros) {
            (Some(p), Some(m)) => *m = p,
            (Some(_), None) => return Err("prefix is only valid after macros".into()),
            _ => {}
        }
        Ok(out)
    }
}

/// bpftool's `feature list_builtins` groups.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BuiltinKind {
    #[value(name = "prog_types")]
    ProgTypes,
    #[value(name = "map_types")]
    MapTypes,
    #[value(name = "attach_types")]
    AttachTypes,
    #[value(name = "link_types")]
    LinkTypes,
    #[value(name = "helpers")]
    Helpers,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}
