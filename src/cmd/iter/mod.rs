//! `iter pin PROG PATH`: an iterator link pinned on bpffs, read with cat like any iterator.

use std::os::fd::AsFd;

use crate::cli::IterCommand;
use crate::cmd::prog::lifecycle::pin_one;
use crate::cmd::select::resolve;
use crate::cmd::{CmdResult, Context};
use crate::sys::link as syslink;
use crate::sys::link_info;
use crate::sys::pins;

pub fn run(ctx: &Context, command: IterCommand) -> CmdResult {
    match command {
        IterCommand::Pin { prog, path } => {
            let prog = resolve::prog_ref(&prog)?;
            pins::check_new_pin_path(&path)?;
            let link = syslink::link_create(
                prog.fd.as_fd(),
                0,
                libbpf_sys::BPF_TRACE_ITER,
                &syslink::LinkOpts::None,
            )
            .map_err(|e| crate::cmd::attach::attach_error(&prog.label, &e))?;
            let id = link_info::link_info(link.as_fd()).map_or(0, |l| l.id);
            pin_one(ctx, link.as_fd(), id, &path)
        }
    }
}
