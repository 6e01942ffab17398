use super::{CmdResult, Context};
use crate::cli::AttachArgs;
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _args: &AttachArgs) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "attach", "todo"))
}
