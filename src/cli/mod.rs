//! The whole command-line grammar, and nothing else: `ebpfctl [OPTIONS] OBJECT VERB [ARGS]`.
//! Completions and the man page are generated from these same definitions (see `cmd::completions`).

use clap::{Parser, Subcommand, ValueEnum};

// One file per object; commands name the types as `cli::ProgVerb`, wherever they are defined.
mod btf;
mod cgroup;
mod compat;
mod feature;
mod inspect;
mod iter;
mod link;
mod map;
mod net;
mod perf;
mod prog;
mod prog_top;
mod struct_ops;

pub use btf::*;
pub use cgroup::*;
pub use compat::*;
pub use feature::*;
pub use inspect::*;
pub use iter::*;
pub use link::*;
pub use map::*;
pub use net::*;
pub use perf::*;
pub use prog::*;
pub use prog_top::*;
pub use struct_ops::*;

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
