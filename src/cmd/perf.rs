use super::{CmdResult, Context};
use crate::cli::PerfCommand;
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _c: PerfCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "perf", "todo"))
}
