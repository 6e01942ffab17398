//! `ebpfctl check`: runs the self-test and turns its verdict into the exit status.

use crate::check::{self, Verdict};
use crate::cmd::{show, CmdResult, Context, Outcome};

pub fn run(ctx: &Context) -> CmdResult {
    let report = check::run();
    show(ctx, &report)?;
    Ok(match report.verdict {
        Verdict::Pass => Outcome::Success,
        Verdict::Fail => Outcome::Negative,
    })
}
