//! The whole command-line grammar, and nothing else: `ebpfctl [OPTIONS] OBJECT VERB [ARGS]`.
//! Completions and the man page are generated from these same definitions (see `cmd::completions`).

use std::path::PathBuf;

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

    /// Programs on network devices: XDP, tcx, tc, flow_dissector, netfilter
    Net {
        #[command(subcommand)]
        command: NetCommand,
    },

    /// Programs on cgroups
    Cgroup {
        #[command(subcommand)]
        command: CgroupCommand,
    },

    /// Programs on perf events (tracepoints, probes, sampling)
    Perf {
        #[command(subcommand)]
        command: PerfCommand,
    },

    /// Register and unregister struct_ops maps
    #[command(name = "struct_ops")]
    StructOps {
        #[command(subcommand)]
        command: StructOpsCommand,
    },

    /// BPF iterators
    Iter {
        #[command(subcommand)]
        command: IterCommand,
    },

    /// Show what BPF object files and BTF blobs contain, without loading them
    Inspect(InspectArgs),

    /// Decide offline whether BPF objects load on given kernels (from their BTF)
    Compat {
        #[command(subcommand)]
        verb: CompatVerb,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompatVerb {
    /// Check objects against kernel BTF files: CO-RE relocations, attach targets, types, helpers, kfuncs, kconfig
    Check(CompatCheckArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct CompatCheckArgs {
    /// BPF object files
    #[arg(value_name = "OBJ", required = true)]
    pub objects: Vec<std::path::PathBuf>,
    /// Target kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF; repeatable
    #[arg(long = "btf", value_name = "FILE")]
    pub btf: Vec<std::path::PathBuf>,
    /// Also check against the running kernel: its BTF, probes, and a trial load of each object (nothing pinned or
    /// attached)
    #[arg(long)]
    pub live: bool,
    /// Kernel .config (text or gzip) to check CONFIG_* externs against
    #[arg(long, value_name = "FILE")]
    pub kconfig: Option<std::path::PathBuf>,
    /// Kernel symbols of the --btf kernels (/proc/kallsyms or System.map): kprobe targets and __ksym externs
    #[arg(long, value_name = "FILE")]
    pub kallsyms: Option<std::path::PathBuf>,
    /// Give map NAME N entries, as its loader would (bpf_map__set_max_entries); repeatable
    #[arg(long = "map-size", value_name = "NAME=N")]
    pub map_size: Vec<String>,
    /// Give map NAME values of N bytes, as its loader would (bpf_map__set_value_size); repeatable
    #[arg(long = "map-value-size", value_name = "NAME=N")]
    pub map_value_size: Vec<String>,
    /// Also require every loaded program to be able to attach (a missing target or unsupported attachment fails)
    #[arg(long = "require-attach")]
    pub require_attach: bool,
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
    #[command(flatten)]
    Lifecycle(ProgCommand),
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
    #[command(flatten)]
    Lifecycle(LinkCommand),
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
    /// Dump BTF types: `btf dump file PATH [format raw|c] [root_id ID]...` or `btf dump id ID ...`
    Dump(BtfDumpArgs),
    /// Cut a kernel BTF down to what some objects' CO-RE relocations use (bpftool's `gen min_core_btf`)
    Minimize(BtfMinimizeArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct BtfMinimizeArgs {
    /// BPF object files whose CO-RE relocations must resolve against the result
    #[arg(value_name = "OBJ", required = true)]
    pub objects: Vec<std::path::PathBuf>,
    /// Source kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF
    #[arg(long = "btf", value_name = "SRC", required = true)]
    pub btf: std::path::PathBuf,
    /// Where to write the minimized raw BTF
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    pub output: std::path::PathBuf,
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

/// `inspect FILE... [progs|maps|globals|relocs|sections|btf]`
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// BPF object files (.bpf.o), ELF files with a .BTF section, or raw BTF (/sys/kernel/btf/vmlinux); a last
    /// word progs, maps, globals, relocs, sections or btf shows only that part
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub words: Vec<PathBuf>,
}

/// The parts of a report `inspect` can show alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectView {
    Progs,
    Maps,
    Globals,
    Relocs,
    Sections,
    Btf,
}

impl InspectArgs {
    /// Splits the words into files and an optional trailing view keyword (bpftool-style `inspect FILE progs`).
    /// A keyword that names an existing file is a file.
    pub fn files_and_view(&self) -> (Vec<PathBuf>, Option<InspectView>) {
        let mut files = self.words.clone();
        if files.len() > 1 {
            let last = files.last().and_then(|p| p.to_str()).unwrap_or("");
            if let Ok(view) = InspectView::from_str(last, false) {
                if !std::path::Path::new(last).exists() {
                    files.pop();
                    return (files, Some(view));
                }
            }
        }
        (files, None)
    }
}

#[derive(Debug, clap::Args)]
pub struct BtfDumpArgs {
    #[command(subcommand)]
    pub source: BtfDumpSource,
}

#[derive(Debug, Subcommand)]
pub enum BtfDumpSource {
    /// A raw BTF blob (/sys/kernel/btf/*) or an ELF file with a .BTF section
    File {
        path: PathBuf,
        #[command(flatten)]
        opts: BtfDumpOptions,
    },
    /// A BTF object loaded in the kernel, by id (see `bpftool btf show`)
    Id {
        id: u32,
        #[command(flatten)]
        opts: BtfDumpOptions,
    },
    /// The BTF of a loaded program: `btf dump prog PROG [format raw|c]`
    /// (PROG := id N | pinned PATH | tag HEX | name NAME)
    Prog {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 2.., value_name = "WORDS")]
        words: Vec<String>,
    },
    /// A map's key and value types: `btf dump map MAP [key|value|kv|all] [format raw|c]`
    /// (MAP := id N | pinned PATH | name NAME; default kv, `all` dumps the map's whole BTF)
    Map {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 2.., value_name = "WORDS")]
        words: Vec<String>,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct BtfDumpOptions {
    /// bpftool's keywords: `format raw` (default) or `format c`, and `root_id ID` (repeatable) to dump only
    /// those types and what they need
    #[arg(value_name = "format raw|c | root_id ID")]
    pub words: Vec<String>,

    /// Base BTF for split BTF such as a kernel module's (default for /sys/kernel/btf/MODULE: vmlinux)
    #[arg(short = 'B', long = "base-btf", value_name = "FILE")]
    pub base_btf: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BtfDumpFormat {
    Raw,
    C,
}

impl BtfDumpOptions {
    /// Reads bpftool's trailing keywords; the error is a usage message.
    pub fn format_and_roots(&self) -> Result<(BtfDumpFormat, Vec<u32>), String> {
        let mut format = BtfDumpFormat::Raw;
        let mut roots = Vec::new();
        let mut words = self.words.iter();
        while let Some(word) = words.next() {
            let value = words
                .next()
                .ok_or_else(|| format!("'{word}' needs a value"))?;
            match word.as_str() {
                "format" => {
                    format = match value.as_str() {
                        "raw" => BtfDumpFormat::Raw,
                        "c" => BtfDumpFormat::C,
                        other => return Err(format!("unknown format '{other}' (raw or c)")),
                    }
                }
                "root_id" => roots.push(
                    value
                        .parse()
                        .map_err(|_| format!("root_id '{value}' is not a type id"))?,
                ),
                other => return Err(format!("unexpected '{other}' (expected format or root_id)")),
            }
        }
        Ok((format, roots))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

// ---- Program lifecycle: prog load/loadall/pin/attach/detach/run/tracelog, link, map pin, net, cgroup, perf,
// ---- struct_ops and iter. Trailing bpftool keyword words (`type T`, `map idx N ...`, `dev NAME`) are kept as
// ---- words here and parsed by `cli::words` so the grammar stays bpftool's.

/// How `prog pin`/`attach`/`detach` take their PROG argument: two words (`id 5`, `pinned /sys/fs/bpf/p`) that
/// are followed by more arguments, so they cannot be a clap subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct ProgRef {
    /// How PROG names the program
    #[arg(value_enum, value_name = "id|pinned|tag|name")]
    pub by: SelectorKind,
    /// The program's id, pinned path, tag or name
    #[arg(value_name = "PROG")]
    pub value: String,
}

/// The first word of a two-word object reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelectorKind {
    Id,
    Pinned,
    Tag,
    Name,
}

impl ProgRef {
    pub fn selector(&self) -> ProgSelector {
        let value = self.value.clone();
        match self.by {
            SelectorKind::Id => ProgSelector::Id { id: value },
            SelectorKind::Pinned => ProgSelector::Pinned { path: value.into() },
            SelectorKind::Tag => ProgSelector::Tag { tag: value },
            SelectorKind::Name => ProgSelector::Name { name: value },
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ProgCommand {
    /// Load the programs of OBJ and pin the first one at PATH (with `autoattach`: attach them and pin their links
    /// under PATH)
    #[command(
        after_help = "OPTIONS words: type TYPE | map {idx N|name NAME} {id N|pinned PATH} | pinmaps DIR | autoattach"
    )]
    Load(LoadArgs),
    /// Load the programs of OBJ and pin each one as DIR/NAME (with `autoattach`: their links)
    #[command(
        after_help = "OPTIONS words: type TYPE | map {idx N|name NAME} {id N|pinned PATH} | pinmaps DIR | autoattach"
    )]
    Loadall(LoadArgs),
    /// Pin a loaded program at PATH on bpffs
    Pin {
        #[command(flatten)]
        prog: ProgRef,
        path: PathBuf,
    },
    /// Attach a program (as a BPF link where the kernel has one); see `prog attach --help` for targets
    Attach(AttachArgs),
    /// Detach a program from what `prog attach` attached it to (and remove the link's pins)
    Detach {
        #[command(flatten)]
        prog: ProgRef,
        /// Attach type, as for `prog attach`
        attach_type: AttachKind,
        /// Target words, as for `prog attach`
        #[arg(allow_negative_numbers = true)]
        target: Vec<String>,
    },
    /// Run a program once (or N times) on given input with BPF_PROG_TEST_RUN
    #[command(
        after_help = "OPTIONS words: data_in FILE | data_out FILE | data_size_out N | ctx_in FILE | \
                      ctx_out FILE | ctx_size_out N | repeat N   (FILE `-` is stdin/stdout)"
    )]
    Run {
        #[command(flatten)]
        prog: ProgRef,
        /// Keyword words: data_in FILE [data_out FILE] [ctx_in FILE] [ctx_out FILE] [repeat N]
        options: Vec<String>,
    },
    /// Print the kernel's trace pipe (bpf_printk output) until Ctrl-C
    Tracelog,
    /// Disassemble a loaded program: `prog dump xlated PROG [file FILE | opcodes | linum]`
    Dump {
        /// Which image: the kernel's translated instructions
        kind: DumpKind,
        #[command(flatten)]
        prog: ProgRef,
        /// At most one of: file FILE (raw instructions) | opcodes | linum
        options: Vec<String>,
    },
}

/// The images `prog dump` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DumpKind {
    Xlated,
}

#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// The BPF object file (.bpf.o)
    pub object: PathBuf,
    /// Where to pin: the program (load), or the directory of programs (loadall)
    pub path: PathBuf,
    /// Keyword words: type TYPE | map {idx N|name NAME} MAP | pinmaps DIR | autoattach
    pub options: Vec<String>,
    /// Relocate CO-RE against this BTF file instead of the running kernel's
    #[arg(long, value_name = "FILE")]
    pub btf: Option<PathBuf>,
    /// Set a global variable (.rodata/.data/.bss) before load, typed by its BTF
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "TARGET words by type:\n  \
  tracepoint CATEGORY/NAME | raw_tracepoint NAME | kprobe FUNC[+OFF] | kprobe_multi SYM[,SYM...]\n  \
  uprobe BINARY {SYMBOL|0xOFFSET} [pid N] | perf_event [cpu N] [freq HZ] [pid N]\n  \
  xdp|xdpgeneric|xdpdrv|xdpoffload|tcx_ingress|tcx_egress|tc_ingress|tc_egress|netkit_primary|netkit_peer dev NAME\n  \
  cgroup_* CGROUP_PATH | sk_msg_verdict|sk_skb_* MAP | flow_dissector|sk_lookup [netns PATH]\n  \
  netfilter {ipv4|ipv6} {prerouting|input|forward|output|postrouting} [prio N]\n  \
  tp_btf|fentry|fexit|fmod_ret|lsm (no target: the one chosen at load)")]
pub struct AttachArgs {
    #[command(flatten)]
    pub prog: ProgRef,
    /// What to attach to
    pub attach_type: AttachKind,
    /// Target words (see below); negative numbers are values (netfilter `prio -100`)
    #[arg(allow_negative_numbers = true)]
    pub target: Vec<String>,
    /// Pin the link at PATH on bpffs so it outlives ebpfctl
    #[arg(long, value_name = "PATH")]
    pub pin: Option<PathBuf>,
    /// Keep the link until Ctrl-C or SIGTERM instead of pinning it
    #[arg(long)]
    pub wait: bool,
    /// BPF cookie for perf-event based links (tracepoint, kprobe, uprobe)
    #[arg(long)]
    pub cookie: Option<u64>,
}

/// Attach types for `prog attach`/`prog detach`, by libbpf's section-name conventions and bpftool's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AttachKind {
    Tracepoint,
    #[value(alias = "raw_tp")]
    RawTracepoint,
    TpBtf,
    Kprobe,
    Kretprobe,
    KprobeMulti,
    KretprobeMulti,
    Uprobe,
    Uretprobe,
    Usdt,
    Fentry,
    Fexit,
    FmodRet,
    Lsm,
    PerfEvent,
    Xdp,
    Xdpgeneric,
    Xdpdrv,
    Xdpoffload,
    TcxIngress,
    TcxEgress,
    TcIngress,
    TcEgress,
    NetkitPrimary,
    NetkitPeer,
    SkMsgVerdict,
    SkSkbStreamParser,
    SkSkbStreamVerdict,
    SkSkbVerdict,
    FlowDissector,
    SkLookup,
    Netfilter,
    CgroupInetIngress,
    CgroupInetEgress,
    CgroupInetSockCreate,
    CgroupInetSockRelease,
    CgroupSockOps,
    CgroupDevice,
    CgroupInet4Bind,
    CgroupInet6Bind,
    CgroupInet4Connect,
    CgroupInet6Connect,
    CgroupInet4PostBind,
    CgroupInet6PostBind,
    CgroupUdp4Sendmsg,
    CgroupUdp6Sendmsg,
    CgroupUdp4Recvmsg,
    CgroupUdp6Recvmsg,
    CgroupSysctl,
    CgroupGetsockopt,
    CgroupSetsockopt,
    CgroupInet4Getpeername,
    CgroupInet6Getpeername,
    CgroupInet4Getsockname,
    CgroupInet6Getsockname,
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Pin a link at PATH on bpffs
    Pin {
        #[command(subcommand)]
        link: LinkPinRef,
    },
    /// Detach a link (its program stops running; pins of it are removed)
    Detach {
        #[command(subcommand)]
        link: LinkSelector,
    },
}

/// `link pin {id N|pinned PATH} NEWPATH`.
#[derive(Debug, Clone, Subcommand)]
pub enum LinkPinRef {
    /// By kernel id
    Id { id: String, path: PathBuf },
    /// By a path where it is pinned already
    Pinned { from: PathBuf, path: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum NetCommand {
    /// XDP, tcx, clsact tc, flow_dissector and netfilter programs on network devices
    #[command(visible_alias = "list")]
    Show {
        /// `dev NAME` to show one device
        words: Vec<String>,
    },
    /// Attach a program to a device: net attach TYPE PROG dev NAME [overwrite|prepend]
    Attach {
        attach_type: NetAttachKind,
        /// PROG (id N | pinned PATH | tag HEX | name NAME), then `dev NAME`, then overwrite/prepend
        words: Vec<String>,
    },
    /// Detach TYPE from a device: net detach TYPE dev NAME
    Detach {
        attach_type: NetAttachKind,
        /// `dev NAME`
        words: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum NetAttachKind {
    Xdp,
    Xdpgeneric,
    Xdpdrv,
    Xdpoffload,
    TcxIngress,
    TcxEgress,
}

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

#[derive(Debug, Subcommand)]
pub enum PerfCommand {
    /// Programs on perf events: per-process perf-event fds and perf/uprobe/tracepoint links
    #[command(visible_alias = "list")]
    Show,
}

#[derive(Debug, Subcommand)]
pub enum StructOpsCommand {
    /// List registered struct_ops maps and the kernel struct each implements: [id N | name NAME | pinned LINK]
    #[command(visible_alias = "list")]
    Show {
        #[command(subcommand)]
        map: Option<StructOpsSelector>,
    },
    /// Load OBJ and register its struct_ops maps (pinning their links under LINK_DIR when given)
    Register {
        object: PathBuf,
        link_dir: Option<PathBuf>,
    },
    /// Unregister a struct_ops map: id N | name NAME | pinned LINK_PATH
    Unregister {
        #[command(subcommand)]
        map: StructOpsSelector,
    },
}

/// A struct_ops map: `id N`, `name NAME`, or the link pinned by `register`.
#[derive(Debug, Clone, Subcommand)]
pub enum StructOpsSelector {
    /// By the struct_ops map's id
    Id { id: String },
    /// By the struct_ops map's name
    Name { name: String },
    /// By its pinned link
    Pinned { path: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum IterCommand {
    /// Create an iterator link from a loaded iter program and pin it at PATH (read it with cat)
    Pin {
        #[command(flatten)]
        prog: ProgRef,
        path: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap checks the grammar's consistency only when a command is built; do it for every subcommand here.
    #[test]
    fn grammar_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
