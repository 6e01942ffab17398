//! Code generation: bpftool's `gen object`, `gen skeleton`, `gen subskeleton` and `gen min_core_btf`.

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
    /// A C header that embeds OBJ and opens, loads, attaches and destroys it through libbpf (bpftool's skeleton
    /// API): `gen skeleton OBJ [name NAME]`
    Skeleton {
        /// The BPF object file to embed
        object: PathBuf,
        /// Keyword words: name NAME (default: the file name without ".o", as a C identifier)
        words: Vec<String>,
        /// A light skeleton: libbpf's loader program and skel_internal.h instead of libbpf at run time
        #[arg(short = 'L', long = "use-loader")]
        light: bool,
        /// A signed light skeleton (bpftool 7.7; implies -L): the loader program's CMS signature, checked by the
        /// kernel against the keyring the loader names in `keyring_id`; needs -k KEY -i CERT
        #[arg(short = 'S', long = "sign")]
        sign: bool,
        /// Private key for -S (PEM)
        #[arg(short = 'k', value_name = "KEY")]
        key: Option<PathBuf>,
        /// Certificate for -S (PEM or DER)
        #[arg(short = 'i', value_name = "CERT")]
        cert: Option<PathBuf>,
    },
    /// A C header giving a BPF library's maps, programs and variables by name inside whatever object links it
    /// in (libbpf's subskeleton API): `gen subskeleton OBJ [name NAME]`
    Subskeleton {
        /// The BPF library object
        object: PathBuf,
        /// Keyword words: name NAME
        words: Vec<String>,
        /// Refused: a subskeleton has no light form
        #[arg(short = 'L', long = "use-loader")]
        light: bool,
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
