//! The command lines scripts run in loops, read without clap: `[FLAGS] prog|map|link|btf show|list [SELECTOR]
//! [FLAGS]` and `[FLAGS] version`, every word spelled out, the flags among -j -p -d -f (and -w after show), the
//! selector one of the object's (`id 5`, `pinned PATH`, `name NAME`, `tag HEX`) with a value that does not start
//! with '-'. Building clap's grammar for `prog` and parsing with it was 61% of the instructions of an empty `-j
//! prog show`; these lines now cost none of it. Anything else, a prefix or a flag given twice included, returns
//! None and is clap's, so errors, help and every other command line are read as before; the tests hold the two
//! readings of every line this accepts equal.

use std::ffi::OsString;

use super::{
    BtfSelector, BtfVerb, Cli, Command, GlobalArgs, LinkSelector, LinkVerb, MapSelector, MapVerb,
    ProgRef, ProgSelector, ProgVerb, SelectorKind, ShowView,
};

/// `args` (program name first) as clap would read them, when they are one of the lines above.
pub fn parse(args: &[OsString]) -> Option<Cli> {
    let mut words = args.iter().skip(1).map(|w| w.to_str());
    let mut flags = Flags::default();
    let object = loop {
        let word = words.next()??;
        if !flags.take(word, false)? {
            break word;
        }
    };
    let after_show = object != "version";
    if after_show && !matches!(words.next()??, "show" | "list") {
        return None;
    }
    let mut select = None;
    while let Some(word) = words.next() {
        let word = word?;
        if flags.take(word, after_show)? {
            continue;
        }
        if !after_show || select.is_some() {
            return None;
        }
        let value = words.next()??;
        if value.is_empty() || value.starts_with('-') {
            return None;
        }
        select = Some((word, value.to_string()));
    }
    let view = ShowView { wide: flags.wide };
    let command = match object {
        "version" => Command::Version,
        "prog" => Command::Prog {
            verb: ProgVerb::Show {
                select: selected(select, prog_selector)?,
                view,
            },
        },
        "map" => Command::Map {
            verb: MapVerb::Show {
                select: selected(select, map_selector)?,
                view,
            },
        },
        "link" => Command::Link {
            verb: LinkVerb::Show {
                select: selected(select, link_selector)?,
                view,
            },
        },
        "btf" => Command::Btf {
            verb: BtfVerb::Show {
                select: selected(select, btf_selector)?,
                view,
            },
        },
        _ => return None,
    };
    let global = GlobalArgs {
        json: flags.json,
        pretty: flags.pretty,
        debug: flags.debug,
        bpffs: flags.bpffs,
        ..GlobalArgs::default()
    };
    Some(Cli { global, command })
}

/// Some(None) without a selector, Some(Some(..)) with one the object has, None with another.
fn selected<T>(
    select: Option<(&str, String)>,
    make: fn((&str, String)) -> Option<T>,
) -> Option<Option<T>> {
    match select {
        None => Some(None),
        Some(select) => make(select).map(Some),
    }
}

/// A selector's first word, as `prog pin`'s PROG argument spells it.
fn selector_kind(word: &str) -> Option<SelectorKind> {
    Some(match word {
        "id" => SelectorKind::Id,
        "pinned" => SelectorKind::Pinned,
        "tag" => SelectorKind::Tag,
        "name" => SelectorKind::Name,
        _ => return None,
    })
}

fn prog_selector((word, value): (&str, String)) -> Option<ProgSelector> {
    let by = selector_kind(word)?;
    Some(ProgRef { by, value }.selector())
}

fn map_selector((word, value): (&str, String)) -> Option<MapSelector> {
    Some(match selector_kind(word)? {
        SelectorKind::Id => MapSelector::Id { id: value },
        SelectorKind::Pinned => MapSelector::Pinned { path: value.into() },
        SelectorKind::Name => MapSelector::Name { name: value },
        SelectorKind::Tag => return None,
    })
}

fn link_selector((word, value): (&str, String)) -> Option<LinkSelector> {
    Some(match selector_kind(word)? {
        SelectorKind::Id => LinkSelector::Id { id: value },
        SelectorKind::Pinned => LinkSelector::Pinned { path: value.into() },
        SelectorKind::Tag | SelectorKind::Name => return None,
    })
}

fn btf_selector((word, value): (&str, String)) -> Option<BtfSelector> {
    match selector_kind(word)? {
        SelectorKind::Id => Some(BtfSelector::Id { id: value }),
        _ => None,
    }
}

#[derive(Default)]
struct Flags {
    json: bool,
    pretty: bool,
    debug: bool,
    bpffs: bool,
    wide: bool,
}

impl Flags {
    /// Some(true): `word` was flags, now set; Some(false): not a flag; None: a flag this reader leaves to clap
    /// (unknown, given twice, -w before show).
    fn take(&mut self, word: &str, after_show: bool) -> Option<bool> {
        let letters = match word.strip_prefix("--") {
            Some("json") => "j",
            Some("pretty") => "p",
            Some("debug") => "d",
            Some("bpffs") => "f",
            Some("wide") => "w",
            Some(_) => return None,
            None => match word.strip_prefix('-') {
                Some("") => return None,
                Some(cluster) => cluster,
                None => return Some(false),
            },
        };
        for letter in letters.chars() {
            let flag = match letter {
                'j' => &mut self.json,
                'p' => &mut self.pretty,
                'd' => &mut self.debug,
                'f' => &mut self.bpffs,
                'w' if after_show => &mut self.wide,
                _ => return None,
            };
            if *flag {
                return None;
            }
            *flag = true;
        }
        Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<OsString> {
        std::iter::once("ebpfctl")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    /// Every line the fast reader takes reads as clap reads it.
    #[test]
    fn reads_its_lines_as_clap_does() {
        let mut lines = vec![
            "version".to_string(),
            "-j version".into(),
            "version -p".into(),
        ];
        for object in ["prog", "map", "link", "btf"] {
            for verb in ["show", "list"] {
                for (before, after) in [
                    ("", ""),
                    ("-j", ""),
                    ("", "-j"),
                    ("-j -p", "-w"),
                    ("--json", "--wide -d"),
                    ("-jd", "-f"),
                    ("-f --pretty", "-wj"),
                    ("--debug", "--bpffs"),
                ] {
                    lines.push(format!("{before} {object} {verb} {after}"));
                }
            }
        }
        for (object, selectors) in [
            ("prog", &["id", "pinned", "tag", "name"][..]),
            ("map", &["id", "pinned", "name"]),
            ("link", &["id", "pinned"]),
            ("btf", &["id"]),
        ] {
            for selector in selectors {
                for value in ["5", "/sys/fs/bpf/x y", "abc", "0x1f", "ü"] {
                    let value = value.replace(' ', "_");
                    lines.push(format!("{object} show {selector} {value}"));
                    lines.push(format!("-j {object} list {selector} {value} -w -d"));
                    lines.push(format!("{object} show -p {selector} {value} --wide"));
                }
            }
        }
        for line in &lines {
            let args = words(line);
            let fast = parse(&args).unwrap_or_else(|| panic!("not read: {line}"));
            let clap = super::super::Parser::default().parse(args).expect(line);
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{line}");
        }
    }

    /// Everything else is left to clap, errors included.
    #[test]
    fn leaves_every_other_line_to_clap() {
        for line in [
            "",
            "-j",
            "p s",
            "prog",
            "prog sh",
            "map dump id 1",
            "map show tag 0011223344556677",
            "btf show name x",
            "link show name x",
            "prog show id",
            "prog show id -5",
            "prog show id 5 name x",
            "prog show id 5 6",
            "prog show i 5",
            "version id 5",
            "-w prog show",
            "-j -j prog show",
            "prog show -jj",
            "prog show -x",
            "prog show --",
            "prog show -",
            "-V",
            "-n map show",
            "--json=1 map show",
            "version show",
            "help",
            "prog show extra",
        ] {
            assert!(parse(&words(line)).is_none(), "{line}");
        }
        let odd = vec![OsString::from("ebpfctl"), invalid_utf8(), "show".into()];
        assert!(parse(&odd).is_none());
    }

    fn invalid_utf8() -> OsString {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(vec![0x70, 0xff])
    }
}
