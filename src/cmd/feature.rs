//! `ebpfctl feature probe` and `ebpfctl feature list_builtins`.

use serde::Serialize;

use super::{show, CmdResult, Context, Outcome};
use crate::cli::{BuiltinKind, FeatureProbeArgs, FeatureVerb};
use crate::error::{Error, ErrorKind};
use crate::probe::{self, FeatureReport, ProbeRequest, Target};
use crate::sys::{names, probe as sys_probe};

/// The report, and whether to print it as C macros (text output only: under -j the JSON report wins, as in
/// bpftool).
pub struct FeatureView {
    pub report: FeatureReport,
    pub macros_prefix: Option<String>,
}

impl Serialize for FeatureView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.report.serialize(s)
    }
}

/// The names of one builtin group; JSON is a plain array of strings, as bpftool prints it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct BuiltinList {
    pub names: Vec<String>,
}

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
