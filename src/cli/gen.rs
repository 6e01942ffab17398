//! Code generation: bpftool's `gen object` and `gen min_core_btf`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum GenVerb {
    /// Link BPF object files into one (libbpf's static linker): `gen object OUTPUT INPUT...`
    Object {
        /// The linked object to write
        output: PathBuf,
        /// BPF object files to link
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// bpftool's spelling of `btf minimize`: `gen min_core_btf INPUT OUTPUT OBJECT...` (prints nothing)
    #[command(name = "min_core_btf")]
    MinCoreBtf {
        /// Source kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF
        input: PathBuf,
        /// Where to write the minimized raw BTF
        output: PathBuf,
        /// BPF object files whose CO-RE relocations must resolve against the result
        #[arg(required = true)]
        objects: Vec<PathBuf>,
    },
}
