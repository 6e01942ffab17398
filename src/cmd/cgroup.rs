use super::{CmdResult, Context};
use crate::cli::CgroupCommand;
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _c: CgroupCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "cgroup", "todo"))
}
