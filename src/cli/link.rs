//! Links: show, pin, detach.

use std::path::PathBuf;

use clap::Subcommand;

use super::ShowView;

#[derive(Debug, Subcommand)]
pub enum LinkVerb {
    /// Show links: all of them, or the one a selector names
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<LinkSelector>,
        #[command(flatten)]
        view: ShowView,
    },
    #[command(flatten)]
    Lifecycle(LinkCommand),
}

/// Which link: `id N` or `pinned PATH`.
#[derive(Debug, Clone, Subcommand)]
pub enum LinkSelector {
    /// The link with this id
    Id { id: String },
    /// The link pinned at PATH on a bpf file system
    Pinned { path: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Pin a link at PATH on bpffs
    Pin {
        #[command(subcommand)]
        link: LinkPinRef,
    },
    /// Detach a link (its program stops running; pins of it are removed)
    Detach {
        #[command(subcommand)]
        link: LinkSelector,
    },
}

/// `link pin {id N|pinned PATH} NEWPATH`.
#[derive(Debug, Clone, Subcommand)]
pub enum LinkPinRef {
    /// By kernel id
    Id { id: String, path: PathBuf },
    /// By a path where it is pinned already
    Pinned { from: PathBuf, path: PathBuf },
}
