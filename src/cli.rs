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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}
