//! `link pin` and `link detach`.

use std::os::fd::AsFd;

use crate::cli::{LinkCommand, LinkPinRef, LinkSelector};
use crate::cmd::prog::lifecycle::pin_one;
use crate::cmd::select::resolve;
use crate::cmd::{CmdResult, Context};
use crate::error::Error;
use crate::sys::link_info;

pub fn run(ctx: &Context, command: LinkCommand) -> CmdResult {
    match command {
        LinkCommand::Pin { link } => {
            let (selector, path) = match link {
                LinkPinRef::Id { id, path } => (LinkSelector::Id { id }, path),
                LinkPinRef::Pinned { from, path } => (LinkSelector::Pinned { path: from }, path),
            };
            let link = resolve::link(&selector)?;
            let id = link_info::link_info(link.fd.as_fd())
                .map_err(|e| Error::from_io(&link.label, &e, "cannot read link info"))?
                .id;
            pin_one(ctx, link.fd.as_fd(), id, &path)
        }
        LinkCommand::Detach { link } => crate::cmd::attach::detach::run_link(ctx, &link),
    }
}
