//! One module per command family. A command resolves its arguments, calls the layers below and hands plain data
//! to the output layer; it never formats text itself.

pub mod btf_dump;
pub mod check;
pub mod completions;
pub mod inspect;
pub mod version;

use crate::error::Result;
use crate::output::Output;

/// How a command ended when it did not fail: scripts read `Negative` as exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Negative,
}

/// What every command gets: the resolved output settings and the debug switch.
pub struct Context {
    pub out: Output,
    pub debug: bool,
}

pub type CmdResult = Result<Outcome>;

/// Prints a result; a closed pipe ends the command quietly, as `| head` expects.
pub fn show<T: crate::output::Render>(ctx: &Context, value: &T) -> Result<()> {
    match ctx.out.emit(value) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(crate::error::Error::from_io("stdout", &e, "write failed")),
    }
}
