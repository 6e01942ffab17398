//! `prog` verbs of the lifecycle: load, loadall, pin, attach, detach, run, tracelog, dump, profile.

use std::os::fd::AsFd;

use crate::cli::{ProgCommand, ProgRef};
use crate::cmd::select::resolve;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind};
use crate::output::lifecycle::Pinned;
use crate::sys::bpf;
use crate::sys::pins::PinSet;

pub fn run(ctx: &Context, command: ProgCommand) -> CmdResult {
    match command {
        ProgCommand::Load(args) => crate::cmd::prog::load::run(ctx, &args, false),
        ProgCommand::Loadall(args) => crate::cmd::prog::load::run(ctx, &args, true),
        ProgCommand::Pin { prog, path } => {
            let prog = resolve::prog_ref(&prog)?;
            let id = bpf::prog_brief(prog.fd.as_fd())
                .map_err(|e| Error::from_io(&prog.label, &e, "cannot read program info"))?
                .id;
            pin_one(ctx, prog.fd.as_fd(), id, &path)
        }
        ProgCommand::Attach(args) => crate::cmd::attach::run(ctx, &args),
        ProgCommand::Detach {
            prog,
            attach_type,
            target,
        } => crate::cmd::attach::detach::run(ctx, &prog, attach_type, &target)
            .map_err(|e| e.needing(crate::cmd::attach::capabilities_for(attach_type))),
        ProgCommand::Run { prog, options } => crate::cmd::prog::test_run::run(ctx, &prog, &options),
        ProgCommand::Tracelog { stream, by, value } => {
            let prog = by.zip(value).map(|(by, value)| ProgRef { by, value });
            crate::cmd::prog::tracelog::run(ctx, stream, prog.as_ref())
        }
        ProgCommand::Dump {
            kind,
            prog,
            options,
        } => crate::cmd::prog::dump::run(ctx, kind, &prog, &options),
        ProgCommand::Profile { prog, options } => {
            crate::cmd::prog::profile::run(ctx, &prog, &options)
        }
    }
}

/// Pins one object at a new path on bpffs (creating missing directories, removed again if the pin fails).
pub fn pin_one(
    ctx: &Context,
    fd: std::os::fd::BorrowedFd<'_>,
    id: u32,
    path: &std::path::Path,
) -> CmdResult {
    let mut pins = PinSet::new();
    pins.pin(fd, path)?;
    pins.commit();
    show(
        ctx,
        &Pinned {
            id,
            pinned: path.display().to_string(),
        },
    )?;
    Ok(Outcome::Success)
}

#[allow(dead_code)]
fn unsupported(what: &str) -> Error {
    Error::new(ErrorKind::Unsupported, what, "not implemented")
}
