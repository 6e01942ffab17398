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

    /// Show what BPF object files and BTF blobs contain, without loading them
    Inspect(InspectArgs),

    /// BTF type information: dump it raw (bpftool's form) or as a C header
    Btf {
        #[command(subcommand)]
        verb: BtfCommand,
    },
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

#[derive(Debug, Subcommand)]
pub enum BtfCommand {
    /// Dump BTF types: `btf dump file PATH [format raw|c] [root_id ID]...` or `btf dump id ID ...`
    Dump(BtfDumpArgs),
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
