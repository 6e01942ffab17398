//! `link pin`, `link detach` and `map pin`.

use std::os::fd::AsFd;

use super::prog::pin_one;
use super::{resolve, CmdResult, Context};
use crate::cli::{LinkCommand, LinkPinRef, LinkSelector, MapCommand};
use crate::error::Error;
use crate::sys::{bpf, link_info};

pub fn run(ctx: &Context, command: LinkCommand) -> CmdResult {
    match command {
        LinkCommand::Pin { link } => {
            let (selector, path) = match link {
                LinkPinRef::Id { id, path } => (LinkSelector::Id { id }, path),
                LinkPinRef::Pinned { from, path } => (LinkSelector::Pinned { path: from }, path),
            };
            let link = resolve::link(&selector)?;
            let id = link_info::link_brief(link.fd.as_fd())
                .map_err(|e| Error::from_io(&link.label, &e, "cannot read link info"))?
                .id;
            pin_one(ctx, link.fd.as_fd(), id, &path)
        }
        LinkCommand::Detach { link } => super::detach::run_link(ctx, &link),
    }
}

pub fn run_map(ctx: &Context, command: MapCommand) -> CmdResult {
    match command {
        MapCommand::Pin { map, path } => {
            let map = resolve::map_ref(&map)?;
            let id = bpf::map_id(map.fd.as_fd())
                .map_err(|e| Error::from_io(&map.label, &e, "cannot read map info"))?;
            pin_one(ctx, map.fd.as_fd(), id, &path)
        }
    }
}
