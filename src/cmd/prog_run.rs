use super::{CmdResult, Context};
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _p: &crate::cli::ProgRef, _o: &[String]) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "run", "todo"))
}
pub fn tracelog(_ctx: &Context) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "tracelog", "todo"))
}
