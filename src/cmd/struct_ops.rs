use super::{CmdResult, Context};
use crate::cli::{IterCommand, StructOpsCommand};
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _c: StructOpsCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "struct_ops", "todo"))
}
pub fn run_iter(_ctx: &Context, _c: IterCommand) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "iter", "todo"))
}
