//! bpftool's habits at the command line, applied to the words before clap sees them, from the grammar itself:
//! - any prefix of an object or verb names it, the first in declaration order winning as bpftool's `cmd_select`
//!   does (`p` is prog though perf matches too, `map e` is event_pipe). clap's own `infer_subcommands` refuses
//!   ambiguous prefixes, which would turn `p` into an error, hence this;
//! - `help` (or a prefix of it) where an object or verb is expected prints that level's help;
//! - a bare object runs its first verb when that verb needs no arguments (`ebpfctl map` = `map show`, as
//!   bpftool), else prints the object's help; a bare `ebpfctl` prints the help, `ebpfctl -V` the version.
//!
//! The completions and the man page come from the same grammar and only ever offer full words.

use std::ffi::{OsStr, OsString};

use clap::{Command, CommandFactory, FromArgMatches};

use super::Cli;

/// The grammar, built once and reused for every command line (`batch` parses thousands).
pub struct Parser {
    cmd: Command,
    /// Lines of a batch file: objects and verbs only, the options being the batch's own.
    batch: bool,
    /// The objects built so far (see `open`).
    opened: Vec<String>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            cmd: Cli::command(),
            batch: false,
            opened: Vec::new(),
        }
    }
}

impl Parser {
    /// The grammar for the lines of a `batch` file: every object and verb, without the options, which belong to
    /// the batch's own command line (bpftool's batch lines take no options either). Without them clap no longer
    /// sets a default for each option and copies it into every level of every line's matches, which was most of
    /// a line's cost (1,000 `map update` lines: 138 M instructions in clap before, 36 M after).
    pub fn for_batch() -> Self {
        let grammar = Cli::command();
        Parser {
            cmd: Command::new("ebpfctl")
                .disable_help_subcommand(true)
                .subcommand_required(true)
                .subcommands(grammar.get_subcommands().cloned()),
            batch: true,
            opened: Vec::new(),
        }
    }

    /// Parses `args` (program name first) the way bpftool reads its words.
    pub fn parse<I, T>(&mut self, args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let args = self.expand(args.into_iter().map(Into::into).collect());
        let mut matches = self.cmd.try_get_matches_from_mut(args)?;
        let parsed = if self.batch {
            super::Command::from_arg_matches_mut(&mut matches).map(|command| Cli {
                global: super::GlobalArgs::default(),
                command,
            })
        } else {
            Cli::from_arg_matches_mut(&mut matches)
        };
        parsed.map_err(|e| e.format(&mut self.cmd))
    }

    /// `args` in clap's words (see the module comment). The grammar defers each object's verbs (see
    /// `cli::Command`), so once the words name an object it is built and the words are read again with its verbs
    /// in view.
    fn expand(&mut self, args: Vec<OsString>) -> Vec<OsString> {
        let (words, object) = expand(&self.cmd, args.clone());
        match object {
            Some(name) if !self.opened.contains(&name) => {
                open(&mut self.cmd, &name);
                self.opened.push(name);
                expand(&self.cmd, args).0
            }
            _ => words,
        }
    }
}

/// Builds the object `name` under `root` as clap builds what it parses: the root first, which hands its global
/// flags down, then the object, which runs its deferred part (its verbs) and hands the flags on. clap's one public
/// call that builds a command without its subcommands is render_usage ("ensures the Command has been sufficiently
/// built"); the usage line it renders on the way costs little.
fn open(root: &mut Command, name: &str) {
    root.render_usage();
    if let Some(object) = root.find_subcommand_mut(name) {
        object.render_usage();
    }
}

/// clap's message for a refused command line as one line: its first paragraph ("...were not provided:" goes on
/// with the names on the next lines), without the "error: " prefix.
pub fn one_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    message
        .strip_prefix("error: ")
        .unwrap_or(&message)
        .to_string()
}

/// What a word at an object or verb position names.
enum Word<'a> {
    Sub(&'a Command),
    Help,
    Other,
}

/// Exact names and aliases first, then the first command (in declaration order) the word is a prefix of.
fn resolve<'a>(cmd: &'a Command, word: &str) -> Word<'a> {
    let names = |sub: &'a Command| std::iter::once(sub.get_name()).chain(sub.get_all_aliases());
    if let Some(sub) = cmd
        .get_subcommands()
        .find(|sub| names(sub).any(|n| n == word))
    {
        return Word::Sub(sub);
    }
    if word.is_empty() {
        return Word::Other;
    }
    if let Some(sub) = cmd
        .get_subcommands()
        .find(|sub| names(sub).any(|n| n.starts_with(word)))
    {
        return Word::Sub(sub);
    }
    if "help".starts_with(word) {
        return Word::Help;
    }
    Word::Other
}

/// Whether `flag` (one argument starting with '-') asks for the version: --version, -V, or -V among clustered
/// short flags (-jV).
fn asks_version(flag: &str) -> bool {
    match flag.strip_prefix("--") {
        Some(long) => long == "version",
        None => flag[1..].chars().all(|c| c.is_ascii_alphabetic()) && flag.contains('V'),
    }
}

/// Whether `flag` is an option of `cmd` that takes a value in the next word (`--btf FILE`).
fn takes_value(cmd: &Command, flag: &str) -> bool {
    let found = match flag.strip_prefix("--") {
        Some(long) if !long.contains('=') => {
            cmd.get_arguments().find(|a| a.get_long() == Some(long))
        }
        Some(_) => None,
        None => {
            let mut letters = flag[1..].chars();
            match (letters.next(), letters.next()) {
                (Some(short), None) => cmd.get_arguments().find(|a| a.get_short() == Some(short)),
                _ => None,
            }
        }
    };
    found.is_some_and(|a| a.get_action().takes_values())
}

/// A verb that runs without arguments: no required positional, no required subcommand.
fn runs_bare(cmd: &Command) -> bool {
    !cmd.is_subcommand_required_set() && !cmd.get_arguments().any(|a| a.is_required_set())
}

/// Rewrites object and verb words to their full names (see the module comment); every other word is kept as is.
/// Also says which object the words name, if any.
fn expand(root: &Command, args: Vec<OsString>) -> (Vec<OsString>, Option<String>) {
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut words = args.into_iter();
    out.extend(words.next());
    // The command whose subcommand the next plain word names, while there is one; and how deep it is.
    let mut at = Some(root);
    let (mut depth, mut version, mut object) = (0, false, None);
    while let Some(arg) = words.next() {
        let Some(cmd) = at else {
            out.push(arg);
            continue;
        };
        let text = arg.to_str().unwrap_or("");
        if text == "--" {
            at = None;
        } else if text.len() > 1 && text.starts_with('-') {
            version |= asks_version(text);
            if takes_value(cmd, text) {
                out.push(arg);
                out.extend(words.next());
                continue;
            }
        } else if cmd.has_subcommands() && cmd.get_positionals().next().is_none() {
            match resolve(cmd, text) {
                Word::Sub(sub) => {
                    if depth == 0 {
                        object = Some(sub.get_name().to_string());
                    }
                    out.push(OsString::from(sub.get_name()));
                    at = Some(sub);
                    depth += 1;
                    continue;
                }
                Word::Help => {
                    out.push(OsString::from("--help"));
                    at = None;
                    continue;
                }
                Word::Other => at = None,
            }
        } else {
            at = None;
        }
        out.push(arg);
    }
    if let Some(cmd) = at {
        out.extend(bare(cmd, depth, version));
    }
    (out, object)
}

/// The word to add when the command line ends where an object or verb was expected.
fn bare(cmd: &Command, depth: usize, version: bool) -> Option<OsString> {
    if !cmd.is_subcommand_required_set() {
        return None;
    }
    let word = match depth {
        0 if version => "version",
        0 => "--help",
        1 => match cmd.get_subcommands().next() {
            Some(first) if runs_bare(first) => first.get_name(),
            _ => "--help",
        },
        _ => return None,
    };
    Some(OsStr::new(word).to_os_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(line: &str) -> String {
        let args: Vec<OsString> = std::iter::once("ebpfctl")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect();
        let out = Parser::default().expand(args);
        out[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn prefixes_resolve_in_bpftools_order() {
        assert_eq!(expanded("p s"), "prog show");
        assert_eq!(expanded("prog sh id 5"), "prog show id 5");
        assert_eq!(expanded("-j p l"), "-j prog show");
        assert_eq!(expanded("prog d xlated id 5"), "prog dump xlated id 5");
        assert_eq!(
            expanded("prog lo a.o /sys/fs/bpf/a"),
            "prog load a.o /sys/fs/bpf/a"
        );
        assert_eq!(expanded("m e id 3"), "map watch id 3");
        assert_eq!(
            expanded("map p id 3 /sys/fs/bpf/m"),
            "map pin id 3 /sys/fs/bpf/m"
        );
        assert_eq!(expanded("map de id 3 key 0"), "map delete id 3 key 0");
        assert_eq!(
            expanded("c show /sys/fs/cgroup"),
            "cgroup show /sys/fs/cgroup"
        );
        assert_eq!(expanded("b f cmds.txt"), "batch file cmds.txt");
        assert_eq!(expanded("bt s"), "btf show");
        assert_eq!(expanded("pe s"), "perf show");
        assert_eq!(expanded("s d"), "struct_ops dump");
        assert_eq!(
            expanded("i p id 5 /sys/fs/bpf/it"),
            "iter pin id 5 /sys/fs/bpf/it"
        );
        assert_eq!(expanded("ch"), "check");
    }

    #[test]
    fn only_object_and_verb_positions_change() {
        // A value that happens to be a prefix of a verb stays what it is.
        assert_eq!(
            expanded("map update id 3 key 0 value 1"),
            "map update id 3 key 0 value 1"
        );
        assert_eq!(
            expanded("prog load p.o /sys/fs/bpf/p --btf s"),
            "prog load p.o /sys/fs/bpf/p --btf s"
        );
        assert_eq!(expanded("cgroup show s"), "cgroup show s");
        assert_eq!(expanded("-- p s"), "-- p s");
        assert_eq!(expanded("nosuch s"), "nosuch s");
    }

    #[test]
    fn help_bare_objects_and_version() {
        assert_eq!(expanded("help"), "--help");
        assert_eq!(expanded("prog help"), "prog --help");
        assert_eq!(expanded("map h"), "map --help");
        assert_eq!(expanded("prog"), "prog show");
        assert_eq!(expanded("-j map"), "-j map show");
        assert_eq!(expanded("net"), "net show");
        assert_eq!(expanded("iter"), "iter --help");
        assert_eq!(expanded("cgroup"), "cgroup --help");
        assert_eq!(expanded(""), "--help");
        assert_eq!(expanded("-V"), "-V version");
        assert_eq!(expanded("-jV"), "-jV version");
        // Deeper levels are clap's to refuse.
        assert_eq!(expanded("btf dump"), "btf dump");
    }
}
