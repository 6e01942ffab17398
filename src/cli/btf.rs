//! BTF: show, dump (bpftool's keywords), minimize.

use std::path::PathBuf;

use clap::Subcommand;

use super::ShowView;

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
    /// Dump BTF types: `btf dump file PATH [format raw|c] [unsorted] [root_id ID]...` or `btf dump id ID ...`
    Dump(BtfDumpArgs),
    /// Cut a kernel BTF down to what some objects' CO-RE relocations use (bpftool's `gen min_core_btf`)
    Minimize(BtfMinimizeArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct BtfMinimizeArgs {
    /// BPF object files whose CO-RE relocations must resolve against the result
    #[arg(value_name = "OBJ", required = true)]
    pub objects: Vec<PathBuf>,
    /// Source kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF
    #[arg(long = "btf", value_name = "SRC", required = true)]
    pub btf: PathBuf,
    /// Where to write the minimized raw BTF
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    pub output: PathBuf,
}

/// Which BTF object: `id N`.
#[derive(Debug, Clone, Subcommand)]
pub enum BtfSelector {
    /// The BTF object with this id
    Id { id: String },
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
    /// (MAP := id N | pinned PATH | name NAME; default kv, `all` dumps the map's whole BTF, the only one
    /// `root_id` combines with)
    Map {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 2.., value_name = "WORDS")]
        words: Vec<String>,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct BtfDumpOptions {
    /// bpftool's keywords: `format raw` (default) or `format c`, `unsorted` (C in id order; sorted by default, as
    /// bpftool 7.6+ sorts), and `root_id ID` (repeatable) to dump only those types and what they need
    #[arg(value_name = "format raw|c | unsorted | root_id ID")]
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

/// What the trailing keywords of `btf dump` ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfDumpWords {
    pub format: BtfDumpFormat,
    pub roots: Vec<u32>,
    /// `format c` in bpftool's sorted order (the default) rather than by id (`unsorted`).
    pub sorted: bool,
}

impl BtfDumpOptions {
    /// Reads bpftool's trailing keywords; the error is a usage message.
    pub fn parse_words(&self) -> Result<BtfDumpWords, String> {
        let mut parsed = BtfDumpWords {
            format: BtfDumpFormat::Raw,
            roots: Vec::new(),
            sorted: true,
        };
        let mut words = self.words.iter();
        while let Some(word) = words.next() {
            if word == "unsorted" {
                parsed.sorted = false;
                continue;
            }
            let value = words
                .next()
                .ok_or_else(|| format!("'{word}' needs a value"))?;
            match word.as_str() {
                "format" => {
                    parsed.format = match value.as_str() {
                        "raw" => BtfDumpFormat::Raw,
                        "c" => BtfDumpFormat::C,
                        other => return Err(format!("unknown format '{other}' (raw or c)")),
                    }
                }
                "root_id" => {
                    let id = value
                        .parse()
                        .map_err(|_| format!("root_id '{value}' is not a type id"))?;
                    if parsed.roots.contains(&id) {
                        return Err(format!("root_id {id} given twice"));
                    }
                    parsed.roots.push(id);
                }
                other => {
                    return Err(format!(
                        "unexpected '{other}' (expected format, unsorted or root_id)"
                    ))
                }
            }
        }
        Ok(parsed)
    }
}
