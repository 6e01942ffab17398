//! `compat check`: will these objects load on those kernels.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CompatVerb {
    /// Check objects against kernel BTF files: CO-RE relocations, attach targets, types, helpers, kfuncs, kconfig
    Check(CompatCheckArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct CompatCheckArgs {
    /// BPF object files
    #[arg(value_name = "OBJ", required = true)]
    pub objects: Vec<PathBuf>,
    /// Target kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF; repeatable
    #[arg(long = "btf", value_name = "FILE")]
    pub btf: Vec<PathBuf>,
    /// Base BTF of split --btf files (a kernel module's BTF); default: the running kernel's vmlinux BTF
    #[arg(short = 'B', long = "base-btf", value_name = "FILE")]
    pub base_btf: Option<PathBuf>,
    /// Also check against the running kernel's BTF
    #[arg(long)]
    pub live: bool,
    /// Kernel .config (text or gzip) to check CONFIG_* externs against
    #[arg(long, value_name = "FILE")]
    pub kconfig: Option<PathBuf>,
}
