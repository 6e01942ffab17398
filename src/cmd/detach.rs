use super::{CmdResult, Context};
use crate::cli::AttachKind;
use crate::error::{Error, ErrorKind};
pub fn run(_ctx: &Context, _p: &[String], _k: AttachKind, _t: &[String]) -> CmdResult {
    Err(Error::new(ErrorKind::Unsupported, "detach", "todo"))
}
