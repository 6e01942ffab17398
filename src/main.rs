//! ebpfctl: manage eBPF on any Linux box. `cli` holds the grammar, `cmd` the commands, `output` all printing,
//! `sys` the kernel layer, `check` the self-test.

mod bpf_disasm;
mod btf;
mod check;
mod cli;
mod cmd;
mod compat;
mod elf;
mod error;
mod fastfmt;
mod input;
mod loader;
mod mapdata;
mod output;
mod probe;
mod signing;
mod sys;
mod userspace;

use cli::{Cli, Command};
use cmd::{CmdResult, Context, Outcome};
use error::ExitCode;

/// musl's allocator (mallocng) hands freed memory back to the kernel eagerly: building clap's command tree alone
/// cost ~200 mmap/munmap pairs, 40% of a `version` run. mimalloc: startup 1.2 → 1.0 ms, `btf dump … format c`
/// 92 → 72 ms, small commands ~15% faster (hyperfine, static binaries side by side). In front of it, a bump
/// arena serves the first MiB of small allocations (`sys/arena.rs`: a listing never reaches mimalloc).
#[global_allocator]
static GLOBAL: sys::arena::Allocator = sys::arena::Allocator;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    sys::heap::prepare(&args);
    let cli = match cli::parse_command_line(args) {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    let ctx = Context {
        out: output::Output::new(cli.global.json, cli.global.pretty),
        debug: cli.global.debug,
        relaxed_maps: cli.global.mapcompat,
    };
    sys::libbpf_log::capture(ctx.debug);
    if cli.global.nomount {
        sys::fs::forbid_mounting();
    }
    let result = if cli.global.version {
        cmd::version::run(&ctx)
    } else {
        dispatch(&ctx, cli)
    };
    let code = match result {
        Ok(Outcome::Success) => ExitCode::Success,
        Ok(Outcome::Negative) => ExitCode::Negative,
        Ok(Outcome::Failed) => ExitCode::Error,
        Err(err) => {
            ctx.out.error(&err);
            ExitCode::Error
        }
    };
    exit_now(code as i32);
}

/// Exits without the C library's exit handlers: mimalloc's would hand every arena page back to the kernel
/// (madvise DONTNEED, splitting its transparent huge pages) just before the kernel frees them all anyway, about
/// 5% of a small listing. Rust's stdout buffer is flushed first, as std::process::exit would.
fn exit_now(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // SAFETY: _exit only ends the process; every file this process wrote has been written through by now.
    unsafe { libc::_exit(code) }
}

/// Runs one parsed command line: main's, or one line of a `batch` file.
fn dispatch(ctx: &Context, cli: Cli) -> CmdResult {
    match cli.command {
        Command::Batch { source } => cmd::batch::run(ctx, &cli.global, &source, dispatch),
        Command::Check => cmd::check::run(ctx),
        Command::Version => cmd::version::run(ctx),
        Command::Completions { shell } => cmd::completions::completions(shell),
        Command::Manpage => cmd::completions::manpage(),
        Command::Prog { mut verb } => {
            use cli::{ProgCommand::*, ProgVerb::Lifecycle};
            // bpftool's -L goes before the object; ebpfctl also takes it after the verb's words.
            if let Lifecycle(Load(args) | Loadall(args)) = &mut verb {
                args.use_loader |= cli.global.use_loader;
            }
            cmd::prog::run(ctx, verb)
        }
        Command::Map { verb } => cmd::map::run(ctx, &verb),
        Command::Link { verb } => cmd::link::run(ctx, verb),
        Command::Btf { verb } => cmd::btf::run(ctx, &verb),
        Command::Gen { verb } => cmd::gen::run(ctx, &verb, cli.global.use_loader),
        Command::Token { verb: _ } => cmd::token::run(ctx),
        Command::Offline(cli::OfflineCommand::Inspect(args)) => cmd::inspect::run(ctx, &args),
        Command::Feature { verb } => cmd::feature::run(ctx, verb),
        Command::Compat { verb } => cmd::compat::run(ctx, verb),
        Command::Net { command } => cmd::net::run(ctx, command),
        Command::Cgroup { command } => cmd::cgroup::run(ctx, command),
        Command::Perf { command } => cmd::perf::run(ctx, command),
        Command::StructOps { command } => cmd::struct_ops::run(ctx, command),
        Command::Iter { command } => cmd::iter::run(ctx, command),
    }
}

/// A command line clap refused. On a terminal clap's own text (the error, the usage line, a hint) helps most, and
/// --help exits 0 through it. Under -j/-p a script reads stdout: help is `null` (as bpftool prints it), an error
/// the error object every other failure gives, with the one-line message, and exit 2.
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind as Clap;
    let informational = matches!(e.kind(), Clap::DisplayHelp | Clap::DisplayVersion);
    // args_os: std::env::args() panics on a word that is not UTF-8, which is one of the mistakes clap reports.
    let words = std::env::args_os().skip(1);
    let (json, pretty) = json_flags(words.map(|w| w.to_string_lossy().into_owned()));
    if !json {
        e.exit();
    }
    let out = output::Output::new(true, pretty);
    if informational {
        out.nothing();
        std::process::exit(ExitCode::Success as i32);
    }
    out.error(&cmd::select::words::usage(cli::one_line(&e)));
    std::process::exit(ExitCode::Error as i32);
}

/// Whether the raw arguments ask for JSON (-j, --json) or pretty JSON (-p, --pretty), short flags clustered or
/// not (`-jd`), up to a `--`: clap could not parse them, so they are looked at as words.
fn json_flags(args: impl Iterator<Item = String>) -> (bool, bool) {
    let (mut json, mut pretty) = (false, false);
    for arg in args.take_while(|a| a != "--") {
        match arg.as_str() {
            "--json" => json = true,
            "--pretty" => pretty = true,
            short if short.starts_with('-') && !short.starts_with("--") => {
                let letters = &short[1..];
                if letters.chars().all(|c| c.is_ascii_alphabetic()) {
                    json |= letters.contains('j');
                    pretty |= letters.contains('p');
                }
            }
            _ => {}
        }
    }
    (json || pretty, pretty)
}
