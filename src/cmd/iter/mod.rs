//! `iter pin OBJ PATH [map MAP]` (bpftool's form: load OBJ, use its first program) and `iter pin PROG PATH [map
//! MAP]` (a loaded iter program): an iterator link pinned on bpffs, read with cat like any iterator. `map MAP`
//! names the map a map-element iterator walks.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::path::Path;

use crate::cli::IterCommand;
use crate::cmd::prog::lifecycle::pin_one;
use crate::cmd::select::resolve;
use crate::cmd::select::words::usage;
use crate::cmd::{CmdResult, Context};
use crate::error::{Error, ErrorKind};
use crate::loader::{self, LoadSpec};
use crate::sys::link as syslink;
use crate::sys::link_info;
use crate::sys::pins;

pub fn run(ctx: &Context, command: IterCommand) -> CmdResult {
    let IterCommand::Pin { words } = command;
    let by_prog = matches!(words[0].as_str(), "id" | "pinned" | "tag" | "name");
    let (target, rest) = if by_prog {
        (Target::Prog(&words[..2]), &words[2..])
    } else {
        (Target::Object(Path::new(&words[0])), &words[1..])
    };
    let (path, map) = match rest {
        [path] => (Path::new(path), None),
        [path, kw, map @ ..] if kw == "map" && map.len() == 2 => (Path::new(path), Some(map)),
        _ => return Err(usage(
            "expected iter pin {OBJ | PROG} PATH [map MAP] (MAP := id N | pinned PATH | name NAME)",
        )),
    };
    pins::check_new_pin_path(path)?;
    let map = map.map(resolve::map_words).transpose()?;
    let opts = match &map {
        Some(m) => syslink::LinkOpts::IterMap {
            map_fd: m.fd.as_raw_fd() as u32,
        },
        None => syslink::LinkOpts::None,
    };
    match target {
        Target::Prog(words) => {
            let prog = resolve::prog_words(words)?;
            pin_iter(ctx, prog.fd.as_fd(), &prog.label, &opts, path)
        }
        Target::Object(object) => {
            let loaded = loader::load(LoadSpec {
                object: object.to_path_buf(),
                relaxed_maps: ctx.relaxed_maps,
                ..Default::default()
            })?;
            let label = object.display().to_string();
            // The first program libbpf loaded: a SEC("?...") alternative with autoload off has no fd.
            let prog = loaded.progs().find(|p| p.autoload()).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    &label,
                    "the object has no program with autoload on",
                )
            })?;
            let name = format!("program {}", prog.name().to_string_lossy());
            pin_iter(ctx, prog.as_fd(), &name, &opts, path)
        }
    }
}

/// What the iterator runs: a loaded program (two words) or the first program of an object file.
enum Target<'a> {
    Prog(&'a [String]),
    Object(&'a Path),
}

fn pin_iter(
    ctx: &Context,
    prog: BorrowedFd<'_>,
    label: &str,
    opts: &syslink::LinkOpts,
    path: &Path,
) -> CmdResult {
    let link = syslink::link_create(prog, 0, libbpf_sys::BPF_TRACE_ITER, opts)
        .map_err(|e| crate::cmd::attach::attach_error(label, &e))?;
    let id = link_info::link_info(link.as_fd()).map_or(0, |l| l.id);
    pin_one(ctx, link.as_fd(), id, path)
}
