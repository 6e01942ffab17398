//! The whole command-line grammar, and nothing else: `ebpfctl [OPTIONS] OBJECT VERB [ARGS]`.
//! Completions and the man page are generated from these same definitions (see `cmd::completions`).

use clap::{Subcommand, ValueEnum};

// One file per object; commands name the types as `cli::ProgVerb`, wherever they are defined.
mod btf;
mod cgroup;
mod compat;
mod fast;
mod feature;
mod gen;
mod habits;
mod inspect;
mod iter;
mod link;
mod map;
mod net;
mod perf;
mod prog;
mod prog_top;
mod struct_ops;
mod token;

pub use btf::*;
pub use cgroup::*;
pub use compat::*;
pub use feature::*;
pub use gen::*;
pub use habits::{one_line, Parser};
pub use inspect::*;
pub use iter::*;
pub use link::*;
pub use map::*;
pub use net::*;
pub use perf::*;
pub use prog::*;
pub use prog_top::*;
pub use struct_ops::*;
pub use token::*;

/// The command line (program name first) as the grammar reads it: the common listings by `fast`, the rest by
/// clap with bpftool's habits (`Parser`).
pub fn parse_command_line(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let args = hoist_option_flags(args);
    fast::parse(&args).map_or_else(|| Parser::default().parse(args), Ok)
}

/// bpftool reads its options anywhere on the line (getopt permutes), so `bpftool map dump pinned P -j` and
/// `-j -j` work; here a verb's own words (keys, values, paths) would take a trailing `-j` as one of them, and
/// clap refuses a flag given twice. So the flags without a value (-j -p -d -f -n -m -L, alone or clustered, and
/// their long names) move in front of the object, each once, up to a `--`; every other word stays as it is.
fn hoist_option_flags(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const LETTERS: &str = "jpdfnmL";
    const LONG: [(&str, char); 7] = [
        ("--json", 'j'),
        ("--pretty", 'p'),
        ("--debug", 'd'),
        ("--bpffs", 'f'),
        ("--nomount", 'n'),
        ("--mapcompat", 'm'),
        ("--use-loader", 'L'),
    ];
    let flag_letters = |word: &str| -> Option<Vec<char>> {
        if let Some((_, c)) = LONG.iter().find(|(long, _)| *long == word) {
            return Some(vec![*c]);
        }
        let letters = word
            .strip_prefix('-')
            .filter(|l| !l.is_empty() && !l.starts_with('-'))?;
        letters
            .chars()
            .all(|c| LETTERS.contains(c))
            .then(|| letters.chars().collect())
    };
    let mut found = String::new();
    let mut rest = Vec::with_capacity(args.len());
    let mut words = args.into_iter();
    rest.extend(words.next()); // the program's name
    for word in words.by_ref() {
        if word == "--" {
            rest.push(word);
            break;
        }
        match word.to_str().and_then(flag_letters) {
            Some(letters) => {
                for c in letters {
                    if !found.contains(c) {
                        found.push(c);
                    }
                }
            }
            None => rest.push(word),
        }
    }
    rest.extend(words);
    if found.is_empty() {
        return rest;
    }
    rest.insert(1, format!("-{found}").into());
    rest
}

#[derive(Debug, clap::Parser)]
#[command(
    name = "ebpfctl",
    about = "Manage eBPF programs, maps and links; check what this kernel can do",
    long_about = "Manage eBPF programs, maps and links; check what this kernel can do.\n\n\
                  One static binary with bpftool's words and bpftool-compatible JSON.\n\n\
                  Exit status: 0 success, 1 negative verdict (a check or compat failure, a missing key), \
                  2 error or usage.",
    disable_help_subcommand = true,
    disable_version_flag = true,
    after_help = "bpftool's habits work: any unique prefix of an object or verb (`ebpfctl p s` = prog show; \
                  where several match, the first in bpftool's order), `help` after any object, a bare object \
                  (`ebpfctl map` = map show)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Default, clap::Args)]
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

    // The flags below are bpftool's too, given before the object as bpftool users type them; not `global`, as clap
    // copies a global flag into every subcommand on each run (4 more cost ~20% of a `version` run's instructions).
    /// Print the version block (as `ebpfctl version`)
    #[arg(short = 'V', long = "version")]
    pub version: bool,

    /// Never mount bpffs or tracefs where a command needs them: fail instead
    #[arg(short = 'n', long = "nomount")]
    pub nomount: bool,

    /// Load objects with relaxed map definitions (libbpf's relaxed_maps: unknown map attributes are ignored)
    #[arg(short = 'm', long = "mapcompat")]
    pub mapcompat: bool,

    /// prog load|loadall through libbpf's loader program (as `prog load … -L`); gen skeleton: a light skeleton
    #[arg(short = 'L', long = "use-loader")]
    pub use_loader: bool,
}

// Objects and verbs are declared in bpftool's order, so that a prefix resolves as bpftool resolves it (`p` =
// prog, `c` = cgroup, `b` = batch); ebpfctl's own commands come after bpftool's.
// `defer`: each object's verbs and arguments are built only when the command line names that object (clap builds
// the path it parses); building all seventeen trees was 60% of a `version` run's instructions.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Run many commands in one process: `batch file FILE` (`-` for stdin), one command per line with bpftool's
    /// quoting, `#` comments and `\` line continuation; under -j an array of {"command": [...], "output": ...}
    Batch {
        #[command(subcommand)]
        source: BatchSource,
    },

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

    /// Programs on network devices: XDP, tcx, tc, flow_dissector, netfilter
    Net {
        #[command(subcommand)]
        command: NetCommand,
    },

    /// Probe what this kernel (or an offload device) supports; list the names ebpfctl knows
    Feature {
        #[command(subcommand)]
        verb: FeatureVerb,
    },

    /// Inspect BTF objects loaded in the kernel
    Btf {
        #[command(subcommand)]
        verb: BtfVerb,
    },

    /// Generate from BPF objects: link them (`gen object`), minimize BTF for them (`gen min_core_btf`)
    Gen {
        #[command(subcommand)]
        verb: GenVerb,
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

    /// BPF tokens: bpffs mounts that delegate BPF operations to a user namespace
    Token {
        #[command(subcommand)]
        verb: TokenVerb,
    },

    /// Show ebpfctl's version, libbpf's version, the embedded objects and the build target
    Version,

    /// Self-test this kernel end to end with the embedded CO-RE programs
    Check,

    // In its own enum, not deferred: clap gives a deferred command the global flags before its own arguments,
    // which would move inspect's -B behind -j -p -d -f in the bash completions.
    #[command(flatten)]
    Offline(OfflineCommand),

    /// Decide offline whether BPF objects load on given kernels (from their BTF)
    Compat {
        #[command(subcommand)]
        verb: CompatVerb,
    },

    /// Print a shell completion script generated from this binary's grammar
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },

    /// Print the man page (roff) generated from this binary's grammar
    Manpage,
}

/// The object-level commands that take arguments of their own (see `Command::Offline`).
#[derive(Debug, Subcommand)]
pub enum OfflineCommand {
    /// Show what BPF object files and BTF blobs contain, without loading them
    Inspect(InspectArgs),
}

// Where `batch` reads its commands. (Not a doc comment: under `defer` a subcommand enum's doc would replace the
// `batch` variant's own in the help.)
#[derive(Debug, Subcommand)]
pub enum BatchSource {
    /// A file of commands, or `-` for standard input
    File { path: std::path::PathBuf },
}

/// How `show` lays out its table (JSON always has every field).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ShowView {
    /// Add the remaining columns to the table (uid, memlock, BTF id, pinned paths, ...)
    #[arg(short = 'w', long = "wide", global = true)]
    pub wide: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
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
