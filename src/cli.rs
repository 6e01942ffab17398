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

    /// Probe what this kernel (or an offload device) supports; list the names ebpfctl knows
    Feature {
        #[command(subcommand)]
        verb: FeatureVerb,
    },
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
