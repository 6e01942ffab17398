//! Programs on network devices.

use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum NetCommand {
    /// XDP, tcx, clsact tc, flow_dissector and netfilter programs on network devices
    #[command(visible_alias = "list")]
    Show {
        /// `dev NAME` to show one device
        words: Vec<String>,
    },
    /// Attach a program to a device: net attach TYPE PROG dev NAME [overwrite|prepend]
    Attach {
        attach_type: NetAttachKind,
        /// PROG (id N | pinned PATH | tag HEX | name NAME), then `dev NAME`, then overwrite/prepend
        words: Vec<String>,
    },
    /// Detach from a device: net detach TYPE [PROG] dev NAME (without PROG, as bpftool: XDP's program, or the
    /// last tcx program; nothing attached is not an error)
    Detach {
        attach_type: NetAttachKind,
        /// [PROG (id N | pinned PATH | tag HEX | name NAME)] `dev NAME`
        words: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum NetAttachKind {
    Xdp,
    Xdpgeneric,
    Xdpdrv,
    Xdpoffload,
    TcxIngress,
    TcxEgress,
}
