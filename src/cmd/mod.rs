//! One module per command family. A command resolves its arguments, calls the layers below and hands plain data
//! to the output layer; it never formats text itself.

pub mod attach;
pub mod batch;
pub mod btf;
pub mod cgroup;
pub mod check;
pub mod compat;
pub mod completions;
pub mod feature;
pub mod gen;
pub mod inspect;
pub mod iter;
pub mod link;
pub mod map;
pub mod net;
pub mod perf;
pub mod prog;
pub mod select;
pub mod struct_ops;
pub mod token;
pub mod version;

use crate::error::Result;
use crate::output::Output;

/// How a command ended when it did not fail: scripts read `Negative` as exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Negative,
    /// Failed, and the failure was reported already (a `batch` line): exit 2 without printing it again.
    Failed,
}

/// What every command gets: the resolved output settings and switches.
pub struct Context {
    pub out: Output,
    pub debug: bool,
    /// -m/--mapcompat: objects are opened with libbpf's relaxed_maps.
    pub relaxed_maps: bool,
}

impl Context {
    /// A note for --debug only: what could not be read, what was skipped.
    pub fn note(&self, message: &str) {
        if self.debug {
            crate::output::note(message);
        }
    }
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
