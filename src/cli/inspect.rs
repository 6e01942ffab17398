//! `inspect FILE... [part]`: offline object and BTF inspection.

use std::path::PathBuf;

use clap::ValueEnum;

/// `inspect FILE... [progs|maps|globals|relocs|sections|btf]`
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// BPF object files (.bpf.o), ELF files with a .BTF section, or raw BTF (/sys/kernel/btf/vmlinux); a last
    /// word progs, maps, globals, relocs, sections or btf shows only that part
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub words: Vec<PathBuf>,
    /// Base BTF of split BTF (a kernel module's BTF, a .ko); default: the running kernel's vmlinux BTF
    #[arg(short = 'B', long = "base-btf", value_name = "FILE")]
    pub base_btf: Option<PathBuf>,
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
