use super::{CmdResult, Context};
use crate::cli::{LinkCommand, MapCommand};
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _c: LinkCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "link", "todo"))
}
pub fn run_map(_ctx: &Context, _c: MapCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "map", "todo"))
}
