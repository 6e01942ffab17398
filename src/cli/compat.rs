//! `compat check`: will these objects load on those kernels.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CompatVerb {
    /// Check objects against kernel BTF files: CO-RE relocations, attach targets, types, helpers, kfuncs, kconfig
    Check(CompatCheckArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CiFormat {
    Junit,
    Github,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CompatCheckArgs {
    /// BPF object files
    #[arg(value_name = "OBJ", required = true)]
    pub objects: Vec<PathBuf>,
    /// Target kernel BTF: raw BTF (/sys/kernel/btf/vmlinux) or an ELF with .BTF; repeatable
    #[arg(long = "btf", value_name = "FILE")]
    pub btf: Vec<PathBuf>,
    /// Every kernel BTF under DIR, recursively: *.btf, *.btf.xz and *.btf.tar.xz (btfhub-archive's layout); repeatable
    #[arg(long = "btf-dir", value_name = "DIR")]
    pub btf_dir: Vec<PathBuf>,
    /// Print the verdicts for a CI system instead: JUnit XML (a testsuite per object, a testcase per kernel) or
    /// GitHub Actions annotations (one ::error line per incompatible pair)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<CiFormat>,
    /// Base BTF of split --btf files (a kernel module's BTF); default: the running kernel's vmlinux BTF
    #[arg(short = 'B', long = "base-btf", value_name = "FILE")]
    pub base_btf: Option<PathBuf>,
    /// Also check against the running kernel: its BTF, probes, and a trial load of each object (nothing pinned or
    /// attached)
    #[arg(long)]
    pub live: bool,
    /// Kernel .config (text or gzip) to check CONFIG_* externs against
    #[arg(long, value_name = "FILE")]
    pub kconfig: Option<PathBuf>,
    /// Kernel symbols of the --btf kernels (/proc/kallsyms or System.map): kprobe targets and __ksym externs
    #[arg(long, value_name = "FILE")]
    pub kallsyms: Option<PathBuf>,
    /// Give map NAME N entries, as its loader would (bpf_map__set_max_entries); NAME.inner: a map-in-map's inner
    /// template; repeatable
    #[arg(long = "map-size", value_name = "NAME=N")]
    pub map_size: Vec<String>,
    /// Give map NAME values of N bytes, as its loader would (bpf_map__set_value_size); NAME.inner: a map-in-map's
    /// inner template; repeatable
    #[arg(long = "map-value-size", value_name = "NAME=N")]
    pub map_value_size: Vec<String>,
    /// Also require every loaded program to be able to attach (a missing target or unsupported attachment fails)
    #[arg(long = "require-attach")]
    pub require_attach: bool,
}
