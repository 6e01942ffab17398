//! ebpfctl: manage eBPF on any Linux box. `cli` holds the grammar, `cmd` the commands, `output` all printing,
//! `sys` the kernel layer, `check` the self-test.

mod btf;
mod check;
mod cli;
mod cmd;
mod elf;
mod error;
mod output;
mod sys;

use clap::Parser;

use cli::{BtfCommand, Cli, Command};
use cmd::{Context, Outcome};
use error::ExitCode;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints usage errors itself and exits 2; --help and --version exit 0.
            e.exit();
        }
    };
    let ctx = Context {
        out: output::Output::new(cli.global.json, cli.global.pretty),
        debug: cli.global.debug,
    };
    sys::libbpf_log::capture(ctx.debug);

    let result = match cli.command {
        Command::Check => cmd::check::run(&ctx),
        Command::Version => cmd::version::run(&ctx),
        Command::Completions { shell } => cmd::completions::completions(shell),
        Command::Manpage => cmd::completions::manpage(),
        Command::Inspect(args) => cmd::inspect::run(&ctx, &args),
        Command::Btf {
            verb: BtfCommand::Dump(args),
        } => cmd::btf_dump::run(&ctx, &args),
    };
    let code = match result {
        Ok(Outcome::Success) => ExitCode::Success,
        Ok(Outcome::Negative) => ExitCode::Negative,
        Err(err) => {
            ctx.out.error(&err);
            ExitCode::Error
        }
    };
    std::process::exit(code as i32);
}
