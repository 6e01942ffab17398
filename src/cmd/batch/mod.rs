//! `batch file FILE|-`: many commands in one process, as bpftool's batch mode. Each line is parsed by the same
//! grammar as a command line (prefixes and all) and run through the same dispatch as `main`, with the options
//! given to `batch` itself (-j, -d, ...). Under -j the output is one array of {"command": [words], "output":
//! what the command printed} (bpftool's shape); a command that prints nothing under -j gets `null` there.
//!
//! The first failing command stops the batch, as in bpftool: its error is printed (inside the array under -j)
//! naming the file's line, and the exit status is 2. A negative answer (a missing key) is not a failure: the batch
//! goes on and exits 1 at the end. On a terminal the batch ends with bpftool's "processed N commands".

pub mod script;

use std::io::BufRead;

use crate::cli::{BatchSource, Cli, Command, GlobalArgs};
use crate::cmd::select::words::usage;
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::Error;
use crate::output::batch::Processed;

use script::{Line, Script};

/// How one parsed command line runs (`main`'s dispatch, handed in so that this module does not depend on it).
pub type Dispatch = fn(&Context, Cli) -> CmdResult;

pub fn run(
    ctx: &Context,
    global: &GlobalArgs,
    source: &BatchSource,
    dispatch: Dispatch,
) -> CmdResult {
    let BatchSource::File { path } = source;
    let label = format!("batch file {}", path.display());
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        // Not stdin's lock, held for the whole batch: a line that reads stdin itself (`--from -`) would wait on
        // it forever.
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = crate::input::open_regular(path, &label, "cannot open")?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut script = Script::new(reader, label.clone());
    let mut parser = crate::cli::Parser::for_batch();
    let mut frame = ctx.out.batch_frame();
    let (mut done, mut negative) = (0usize, false);
    loop {
        let line = match script.next_command() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                // The file itself is at fault: the error is an element of its own, as bpftool prints it.
                frame.element();
                ctx.out.error(&err);
                frame.finish();
                return Ok(Outcome::Failed);
            }
        };
        frame.begin(&line.words);
        let outcome = match run_line(ctx, global, &mut parser, dispatch, &line) {
            Ok(outcome) => outcome,
            Err(err) => {
                let object = format!("{label} line {}: {}", line.number, err.object);
                ctx.out.error(&Error { object, ..err });
                Outcome::Failed
            }
        };
        frame.end();
        match outcome {
            Outcome::Success => {}
            Outcome::Negative => negative = true,
            Outcome::Failed => {
                frame.finish();
                return Ok(Outcome::Failed);
            }
        }
        done += 1;
    }
    frame.finish();
    if !ctx.out.is_json() {
        show(ctx, &Processed { commands: done })?;
    }
    Ok(if negative {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

/// One line through the grammar and the dispatch, with the batch's own options.
fn run_line(
    ctx: &Context,
    global: &GlobalArgs,
    parser: &mut crate::cli::Parser,
    dispatch: Dispatch,
    line: &Line,
) -> CmdResult {
    if line.words[0].starts_with('-') {
        return Err(usage(
            "options (-j, -d, ...) go before `batch`, not on a line of the file",
        ));
    }
    let args = std::iter::once("ebpfctl").chain(line.words.iter().map(String::as_str));
    let mut cli = match parser.parse(args) {
        Ok(cli) => cli,
        Err(e) => return clap_refusal(ctx, &e),
    };
    if matches!(cli.command, Command::Batch { .. }) {
        return Err(usage("a batch cannot run another batch"));
    }
    cli.global = global.clone();
    dispatch(ctx, cli)
}

/// A line the grammar refused; `help` on a line prints the help (`null` under -j, as bpftool) and goes on.
fn clap_refusal(ctx: &Context, e: &clap::Error) -> CmdResult {
    if e.kind() == clap::error::ErrorKind::DisplayHelp {
        if ctx.out.is_json() {
            ctx.out.nothing();
        } else {
            ctx.out.help(&e.render().to_string());
        }
        return Ok(Outcome::Success);
    }
    Err(usage(crate::cli::one_line(e)))
}
