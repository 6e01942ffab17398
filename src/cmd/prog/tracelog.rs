//! `prog tracelog`: the kernel's trace pipe (every program's bpf_printk, until Ctrl-C), or with `stdout|stderr
//! PROG` one program's own BPF stream (Linux 6.17: bpf_stream_printk output and the kernel's runtime errors for
//! that program), drained once, as bpftool 7.7 does.

use std::os::fd::AsFd;

use crate::cli::{ProgRef, ProgStream};
use crate::cmd::select::resolve;
use crate::cmd::{CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind};
use crate::output::lifecycle::{StreamDump, TraceLine};
use crate::sys::bpf;

/// A stream holds at most ~100 kB at a time (BPF_STREAM_MAX_CAPACITY), but a busy program refills it while it is
/// drained: stop after this much so the command always ends.
const STREAM_READ_LIMIT: usize = 16 << 20;

pub fn run(ctx: &Context, stream: Option<ProgStream>, prog: Option<&ProgRef>) -> CmdResult {
    match (stream, prog) {
        (Some(stream), Some(prog)) => program_stream(ctx, stream, prog),
        _ => trace_pipe(ctx),
    }
}

/// Streams the trace pipe until Ctrl-C, SIGTERM or a closed pipe, then exits 0; a full stdout does not hold it.
fn trace_pipe(ctx: &Context) -> CmdResult {
    let mut pipe = crate::sys::tracefs::TracePipe::open()?;
    crate::sys::signal::stop_on_interrupt();
    let mut out = crate::output::stream::StoppableStdout::new();
    while !crate::sys::signal::stop_requested() {
        let lines = pipe
            .read_lines(200)
            .map_err(|e| Error::from_io("trace_pipe", &e, "read failed"))?;
        for line in lines {
            match ctx.out.emit_to(&mut out, &TraceLine { line }) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    return Ok(Outcome::Success)
                }
                Err(e) => return Err(Error::from_io("stdout", &e, "write failed")),
            }
        }
    }
    Ok(Outcome::Success)
}

/// Drains one stream of one program. Text goes where bpftool sends it (the program's stdout to stdout, its stderr
/// to stderr), verbatim; under `-j` it is one array of lines on stdout.
fn program_stream(ctx: &Context, stream: ProgStream, prog: &ProgRef) -> CmdResult {
    let prog = resolve::prog_ref(prog)?;
    let id = match stream {
        ProgStream::Stdout => bpf::STREAM_STDOUT,
        ProgStream::Stderr => bpf::STREAM_STDERR,
    };
    let mut text = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    while text.len() < STREAM_READ_LIMIT {
        match bpf::prog_stream_read(prog.fd.as_fd(), id, &mut buf) {
            Ok(0) => break,
            Ok(n) => text.extend_from_slice(&buf[..n]),
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => return Err(Error::new(
                ErrorKind::Unsupported,
                prog.label,
                "this kernel has no BPF program streams (BPF_PROG_STREAM_READ_BY_FD, Linux 6.17)",
            )),
            Err(e) => return Err(Error::from_io(&prog.label, &e, "cannot read its stream")),
        }
    }
    let dump = StreamDump::new(&text);
    let written = match stream {
        ProgStream::Stderr if !ctx.out.is_json() => {
            ctx.out.emit_to(std::io::stderr().lock(), &dump)
        }
        _ => ctx.out.emit_to(std::io::stdout().lock(), &dump),
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::from_io("stdout", &e, "write failed"))
        }
        _ => Ok(Outcome::Success),
    }
}
