//! struct_ops maps: show, register, unregister.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum StructOpsCommand {
    /// List registered struct_ops maps and the kernel struct each implements: [id N | name NAME | pinned LINK]
    #[command(visible_alias = "list")]
    Show {
        #[command(subcommand)]
        map: Option<StructOpsSelector>,
    },
    /// Load OBJ and register its struct_ops maps (pinning their links under LINK_DIR when given)
    Register {
        object: PathBuf,
        link_dir: Option<PathBuf>,
    },
    /// Unregister a struct_ops map: id N | name NAME | pinned LINK_PATH
    Unregister {
        #[command(subcommand)]
        map: StructOpsSelector,
    },
    /// Print struct_ops maps whole, as bpftool: each map's bpf_map_info and its value (the kernel struct, with
    /// the programs it points to), from the kernel's BTF: [id N | name NAME | pinned LINK]
    Dump {
        #[command(subcommand)]
        map: Option<StructOpsSelector>,
    },
}

/// A struct_ops map: `id N`, `name NAME`, or the link pinned by `register`.
#[derive(Debug, Clone, Subcommand)]
pub enum StructOpsSelector {
    /// By the struct_ops map's id
    Id { id: String },
    /// By the struct_ops map's name
    Name { name: String },
    /// By its pinned link
    Pinned { path: PathBuf },
}
