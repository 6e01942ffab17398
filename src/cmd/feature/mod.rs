//! `ebpfctl feature probe` and `ebpfctl feature list_builtins`.

use crate::cli::{BuiltinKind, FeatureProbeArgs, FeatureVerb};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind};
use crate::output::feature::BuiltinList;
use crate::output::feature::FeatureView;
use crate::probe::{self, ProbeRequest, Target};
use crate::sys::{names, probe as sys_probe};

pub fn run(ctx: &Context, verb: FeatureVerb) -> CmdResult {
    match verb {
        FeatureVerb::Probe(args) => probe_features(ctx, &args),
        FeatureVerb::ListBuiltins { kind } => list_builtins(ctx, kind),
    }
}

fn probe_features(ctx: &Context, args: &FeatureProbeArgs) -> CmdResult {
    let words = args
        .resolve()
        .map_err(|e| Error::new(ErrorKind::InvalidInput, "feature probe", e))?;
    let target = match &words.dev {
        None => Target::Kernel,
        Some(name) => Target::Device {
            ifindex: sys_probe::ifindex(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("dev {name}"),
                    "no such network device",
                )
            })?,
        },
    };
    let request = ProbeRequest {
        target,
        full: words.full,
        unprivileged: words.unprivileged,
        extended: args.extended,
    };
    let report = probe::probe(&request)
        .map_err(|e| Error::new(ErrorKind::Permission, "feature probe", e))?;
    show(
        ctx,
        &FeatureView {
            report,
            macros_prefix: words.macros,
        },
    )?;
    Ok(Outcome::Success)
}

fn list_builtins(ctx: &Context, kind: BuiltinKind) -> CmdResult {
    let table = |name: fn(u32) -> Option<&'static str>| {
        names::table(name)
            .into_iter()
            .map(|(_, n)| n.to_string())
            .collect()
    };
    let names = match kind {
        BuiltinKind::ProgTypes => table(names::prog_type),
        BuiltinKind::MapTypes => table(names::map_type),
        BuiltinKind::AttachTypes => table(names::attach_type),
        BuiltinKind::LinkTypes => table(names::link_type),
        BuiltinKind::Helpers => names::builtin_helpers()
            .into_iter()
            .map(|(_, n)| n)
            .collect(),
    };
    show(ctx, &BuiltinList { names })?;
    Ok(Outcome::Success)
}
