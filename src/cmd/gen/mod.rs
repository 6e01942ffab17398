//! `ebpfctl gen object OUTPUT INPUT...` (libbpf's static linker) and `gen min_core_btf INPUT OUTPUT OBJECT...`
//! (`btf minimize` in bpftool's argument order), which print nothing as bpftool (`null` under --json), and
//! `gen skeleton|subskeleton OBJ [name NAME]`, which print a C header (a light one with -L, signed with -S).

mod light_c;
mod skeleton;
mod skeleton_c;

use std::path::{Path, PathBuf};

use crate::cli::GenVerb;
use crate::cmd::select::words::{usage, Words};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::source::Source;

pub fn run(ctx: &Context, verb: &GenVerb, light: bool) -> CmdResult {
    match verb {
        GenVerb::Skeleton {
            object,
            words,
            light: light_here,
            sign,
            key,
            cert,
        } => {
            // -S signs the loader program of a light skeleton: it implies -L, as in bpftool.
            let signer = sign
                .then(|| {
                    crate::cmd::prog::signed::signer(
                        "gen skeleton",
                        key.as_deref(),
                        cert.as_deref(),
                    )
                })
                .transpose()?;
            let header = match light || *light_here || signer.is_some() {
                true => Header::Light(signer.map(Box::new)),
                false => Header::Skeleton,
            };
            return header_of(ctx, object, words, header);
        }
        GenVerb::Subskeleton { light: here, .. } if light || *here => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "gen subskeleton",
                "a subskeleton has no light form (-L): it finds its names in a libbpf object",
            ));
        }
        GenVerb::Subskeleton { object, words, .. } => {
            return header_of(ctx, object, words, Header::Subskeleton)
        }
        GenVerb::Object { output, inputs } => link(output, inputs)?,
        GenVerb::MinCoreBtf {
            input,
            output,
            objects,
        } => {
            crate::cmd::btf::minimize::minimize_to(input, output, objects)?;
        }
    }
    ctx.out.nothing();
    Ok(Outcome::Success)
}

enum Header {
    Skeleton,
    /// A light skeleton, signed when a signer is given.
    Light(Option<Box<crate::signing::Signer>>),
    Subskeleton,
}

fn header_of(ctx: &Context, object: &Path, words: &[String], kind: Header) -> CmdResult {
    let mut w = Words::new(words);
    let mut name = None;
    while let Some(word) = w.next_word() {
        match word {
            "name" => name = Some(w.value(word)?.to_string()),
            other => return Err(usage(format!("unknown word {other:?} (want: name NAME)"))),
        }
    }
    let name = skeleton::skeleton_name(object, name.as_deref())?;
    let text = match kind {
        Header::Skeleton => skeleton_c::skeleton(&skeleton::gather(object, &name)?),
        Header::Subskeleton => skeleton_c::subskeleton(&skeleton::gather(object, &name)?),
        Header::Light(signer) => {
            light_c::skeleton(&skeleton::gather_light(object, &name, signer.as_deref())?)
        }
    };
    show(ctx, &Source(text))?;
    Ok(Outcome::Success)
}

fn link(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    let objects = inputs
        .iter()
        .map(|p| Ok((p.display().to_string(), crate::loader::read_object_file(p)?)))
        .collect::<Result<Vec<_>>>()?;
    let label = output.display().to_string();
    crate::sys::linker::link(output, &objects).map_err(|(input, errno)| {
        let (object, what) = match input {
            Some(name) => (name, "libbpf's linker refused it"),
            None => (label.clone(), "cannot link into it"),
        };
        let mut err = Error::from_errno(object, errno, what);
        if errno == libc::EINVAL || errno == libc::ENOENT {
            err.kind = ErrorKind::InvalidInput;
        }
        // libbpf's own line says why (a conflicting symbol, a bad section); the buffer it names is ours.
        if let Some(last) = crate::sys::libbpf_log::take().pop() {
            let said = last.trim().trim_start_matches("libbpf: ");
            let said = said.split(" in 'mem:").next().unwrap_or(said);
            err.reason = format!("{what}: {said}");
        }
        err
    })
}
