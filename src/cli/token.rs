//! BPF tokens: the bpffs mounts that delegate BPF operations.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TokenVerb {
    /// Show bpffs mounts with delegate_* options and what each allows a BPF token to do
    #[command(visible_alias = "list")]
    Show,
}
