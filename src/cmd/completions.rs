//! Shell completions and the man page, generated from the same clap definitions the parser uses, so they cannot
//! drift from the grammar. The copies committed under completions/ are checked against these by the tests.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionShell};
use crate::cmd::{CmdResult, Outcome};
use crate::error::Error;

fn write_stdout(bytes: &[u8]) -> CmdResult {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(Outcome::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Success),
        Err(e) => Err(Error::from_io("stdout", &e, "write failed")),
    }
}

pub fn completions(shell: CompletionShell) -> CmdResult {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "ebpfctl", &mut buf);
    write_stdout(&buf)
}

pub fn manpage() -> CmdResult {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::from_io("manpage", &e, "render failed"))?;
    write_stdout(&buf)
}
