//! `ebpfctl btf dump {file PATH [file SPLIT]... | id ID} [format raw|c] [unsorted] [root_id ID]... [--base-btf FILE]`: BTF types as
//! bpftool prints them (raw text, or `{"types": [...]}` under -j) or as a compilable C header, whose types come in
//! bpftool 7.6+'s sorted order unless `unsorted` (or roots) are given.

use std::path::{Path, PathBuf};

use crate::btf::Btf;
use crate::cli::{BtfDumpArgs, BtfDumpFormat, BtfDumpOptions, BtfDumpSource};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::input::btf_file::{load_btf, load_btf_id, load_btf_over};
use crate::output::btf_dump::BtfDump;

/// The BTF to dump, the format words, the types a map or program narrows the dump to, and its name for errors.
struct Source {
    btf: Btf,
    opts: BtfDumpOptions,
    roots: Vec<u32>,
    object: String,
}

fn source(args: &BtfDumpArgs) -> Result<Source> {
    Ok(match &args.source {
        BtfDumpSource::File { path, opts } => {
            let (btf, opts) = load_file(path, opts)?;
            Source {
                btf,
                opts,
                roots: Vec::new(),
                object: path.display().to_string(),
            }
        }
        BtfDumpSource::Id { id, opts } => Source {
            btf: load_id(*id, opts)?,
            opts: opts.clone(),
            roots: Vec::new(),
            object: format!("btf id {id}"),
        },
        BtfDumpSource::Prog { words } => prog_source(words)?,
        BtfDumpSource::Map { words } => map_source(words)?,
    })
}

fn format_words(rest: &[String]) -> BtfDumpOptions {
    BtfDumpOptions {
        words: rest.to_vec(),
        base_btf: None,
    }
}

/// `btf dump prog PROG ...`: the program's whole BTF, as bpftool dumps it.
fn prog_source(words: &[String]) -> Result<Source> {
    let resolved = crate::cmd::select::resolve::prog_words(&words[..2])?;
    let info = crate::sys::prog_info::prog_info(std::os::fd::AsFd::as_fd(&resolved.fd))
        .map_err(|e| Error::from_io(&resolved.label, &e, "cannot read program info"))?;
    if info.btf_id == 0 {
        return Err(Error::new(
            ErrorKind::NotFound,
            &resolved.label,
            "the program has no BTF",
        ));
    }
    let opts = format_words(&words[2..]);
    Ok(Source {
        btf: load_id(info.btf_id, &opts)?,
        opts,
        roots: Vec::new(),
        object: resolved.label,
    })
}

/// `btf dump map MAP [key|value|kv|all] ...`: the key and/or value type, or the map's whole BTF. `root_id` only
/// goes with `all`: with key, value or kv (the default) the types are already chosen, and bpftool 7.7 refuses the
/// mix rather than print a type twice.
fn map_source(words: &[String]) -> Result<Source> {
    let mut w = crate::cmd::map::words::Words::new(words, "btf dump map");
    let map = crate::cmd::map::open::OpenMap::open(&w.map_ref()?, true)?;
    let part = match w.peek() {
        Some(p @ ("key" | "value" | "kv" | "all")) => {
            w.next();
            p
        }
        _ => "kv",
    };
    let rest: Vec<String> = std::iter::from_fn(|| w.next().map(str::to_string)).collect();
    let info = &map.info;
    if info.btf_id == 0 {
        return Err(Error::new(
            ErrorKind::NotFound,
            &map.label,
            "the map has no BTF",
        ));
    }
    let roots = match part {
        "key" => vec![info.btf_key_type_id],
        "value" => vec![info.btf_value_type_id],
        "all" => Vec::new(),
        _ => vec![info.btf_key_type_id, info.btf_value_type_id],
    };
    let opts = format_words(&rest);
    if part != "all" && rest.iter().any(|w| w == "root_id") {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "btf dump",
            format!("root_id cannot be combined with `{part}` (the map's types are chosen already); use `all`"),
        ));
    }
    let roots = roots.into_iter().filter(|id| *id != 0).collect();
    Ok(Source {
        btf: load_id(info.btf_id, &opts)?,
        opts,
        roots,
        object: map.label.clone(),
    })
}

pub fn run(ctx: &Context, args: &BtfDumpArgs) -> CmdResult {
    let Source {
        btf,
        opts,
        roots: narrowed,
        object,
    } = source(args)?;
    let words = opts
        .parse_words()
        .map_err(|e| Error::new(ErrorKind::InvalidInput, "btf dump", e))?;
    let (format, mut roots) = (words.format, words.roots);
    roots.extend(narrowed);
    for &root in &roots {
        if root == 0 || root >= btf.type_count() {
            return Err(Error::new(
                ErrorKind::NotFound,
                &object,
                format!("no type with id {root}"),
            ));
        }
    }
    let dump = match format {
        BtfDumpFormat::C if ctx.out.is_json() => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "btf dump",
                "format c has no JSON form; drop -j/-p",
            ));
        }
        BtfDumpFormat::C => BtfDump::C(
            crate::btf::dump_c_header(&btf, &roots, words.sorted)
                .map_err(|e| Error::invalid(&object, e))?,
        ),
        BtfDumpFormat::Raw => {
            // bpftool dumps only split BTF's own types; its base is context.
            let ids: Vec<u32> = if roots.is_empty() {
                btf.own_ids().collect()
            } else {
                roots
            };
            if ctx.out.is_json() {
                BtfDump::RawJson(ids.iter().map(|&id| btf.raw_type_json(id)).collect())
            } else {
                let mut text = String::with_capacity(ids.len() * 48);
                for id in ids {
                    btf.raw_type_text(id, &mut text);
                }
                BtfDump::RawText(text)
            }
        }
    };
    show(ctx, &dump)?;
    Ok(Outcome::Success)
}

/// `btf dump file BASE file SPLIT...`: bpftool 7.7 stacks each later file on the one before (a module's BTF on
/// vmlinux, multi-split BTF on both); the first sits on -B/--base-btf when given. Only the last one is dumped.
fn load_file(path: &Path, opts: &BtfDumpOptions) -> Result<(Btf, BtfDumpOptions)> {
    let mut files = vec![path.to_path_buf()];
    let mut words = Vec::new();
    let mut rest = opts.words.iter();
    while let Some(word) = rest.next() {
        match (word.as_str(), rest.clone().next()) {
            ("file", Some(next)) => {
                files.push(PathBuf::from(next));
                rest.next();
            }
            _ => words.push(word.clone()),
        }
    }
    let mut btf = load_btf_over(&files[0], opts.base_btf.as_deref())?;
    for split in &files[1..] {
        btf = load_btf(split, Some(btf))?;
    }
    let opts = BtfDumpOptions {
        words,
        base_btf: opts.base_btf.clone(),
    };
    Ok((btf, opts))
}

fn load_id(id: u32, opts: &BtfDumpOptions) -> Result<Btf> {
    load_btf_id(id, opts.base_btf.as_deref())
}
