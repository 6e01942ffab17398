use super::{CmdResult, Context};
use crate::cli::NetCommand;
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _c: NetCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "net", "todo"))
}
