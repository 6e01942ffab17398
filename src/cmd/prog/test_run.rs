//! `prog run PROG data_in FILE [data_out FILE] [data_size_out N] [ctx_in FILE] [ctx_out FILE] [ctx_size_out N]
//! [repeat N]` (BPF_PROG_TEST_RUN, bpftool's words; FILE `-` is stdin/stdout).

use std::os::fd::AsFd;

use crate::cli::ProgRef;
use crate::cmd::select::resolve;
use crate::cmd::select::words::{usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, Result};
use crate::output::lifecycle::RunReport;
use crate::sys::bpf::{self, TestRun};

#[derive(Debug, Default)]
struct RunOptions {
    data_in: Option<String>,
    data_out: Option<String>,
    data_size_out: Option<usize>,
    ctx_in: Option<String>,
    ctx_out: Option<String>,
    ctx_size_out: Option<usize>,
    /// None: once (BPF_PROG_TYPE_SYSCALL programs: the 0 their test run demands, see `run`).
    repeat: Option<u32>,
}

fn parse(words: &[String]) -> Result<RunOptions> {
    let mut o = RunOptions::default();
    let mut w = Words::new(words);
    while let Some(word) = w.next_word() {
        match word {
            "data_in" => o.data_in = Some(w.value(word)?.to_string()),
            "data_out" => o.data_out = Some(w.value(word)?.to_string()),
            "data_size_out" => o.data_size_out = Some(w.number::<u32>(word)? as usize),
            "ctx_in" => o.ctx_in = Some(w.value(word)?.to_string()),
            "ctx_out" => o.ctx_out = Some(w.value(word)?.to_string()),
            "ctx_size_out" => o.ctx_size_out = Some(w.number::<u32>(word)? as usize),
            "repeat" => o.repeat = Some(w.number(word)?),
            other => return Err(usage(format!("unknown run option {other:?}"))),
        }
    }
    if o.data_in.as_deref() == Some("-") && o.ctx_in.as_deref() == Some("-") {
        return Err(usage("data_in and ctx_in cannot both read stdin"));
    }
    Ok(o)
}

fn read_input(name: &str) -> Result<Vec<u8>> {
    if name == "-" {
        crate::input::read_stdin("stdin", "cannot read")
    } else {
        crate::input::read_whole(std::path::Path::new(name), name, "cannot read")
    }
}

/// Writes an output buffer to FILE; `-` keeps it for the report instead (printed as bytes, like bpftool).
fn write_output(name: &str, data: &[u8]) -> Result<Option<Vec<u8>>> {
    if name == "-" {
        return Ok(Some(data.to_vec()));
    }
    crate::input::write::write_whole(std::path::Path::new(name), name, data)?;
    Ok(None)
}

pub fn run(ctx: &Context, prog: &ProgRef, words: &[String]) -> CmdResult {
    let o = parse(words)?;
    let prog = resolve::prog_ref(prog)?;
    let data_in = o
        .data_in
        .as_deref()
        .map(read_input)
        .transpose()?
        .unwrap_or_default();
    let ctx_in = o.ctx_in.as_deref().map(read_input).transpose()?;
    // Room for programs that grow the packet (bpf_xdp_adjust_head/tail) unless the caller sizes it.
    let data_out_size = match (&o.data_out, o.data_size_out) {
        (_, Some(n)) => n,
        (Some(_), None) => data_in.len() + 4096,
        (None, None) => 0,
    };
    let ctx_out_size = match (&o.ctx_out, o.ctx_size_out) {
        (_, Some(n)) => n,
        (Some(_), None) => ctx_in.as_ref().map_or(256, Vec::len),
        (None, None) => 0,
    };
    // The kernel runs a syscall program once and refuses any repeat count but 0 (bpftool passes 1 and fails).
    let repeat = o.repeat.unwrap_or_else(|| {
        let syscall = bpf::prog_brief(prog.fd.as_fd())
            .is_ok_and(|b| b.prog_type == libbpf_sys::BPF_PROG_TYPE_SYSCALL);
        u32::from(!syscall)
    });
    let run = TestRun {
        data_in,
        data_out_size,
        ctx_in,
        ctx_out_size,
        repeat,
    };
    let result = bpf::prog_test_run(prog.fd.as_fd(), &run)
        .map_err(|e| Error::from_io(&prog.label, &e, "test run failed"))?;
    let data_out = match &o.data_out {
        Some(name) => write_output(name, &result.data_out)?,
        None => None,
    };
    let ctx_out = match &o.ctx_out {
        Some(name) => write_output(name, &result.ctx_out)?,
        None => None,
    };
    let report = RunReport {
        data_out,
        ctx_out,
        retval: result.retval,
        duration: result.duration_ns,
    };
    show(ctx, &report)?;
    Ok(Outcome::Success)
}
