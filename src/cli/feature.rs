//! Kernel features: probe (bpftool's keywords) and list_builtins.

use clap::{Subcommand, ValueEnum};

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
