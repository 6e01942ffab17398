//! The result of `feature probe` as plain data, and its JSON form. The default JSON has exactly bpftool's
//! top-level keys (system_config, syscall_config, program_types, map_types, helpers, misc) with bpftool's key
//! names and value types, so jq scripts written for bpftool keep working; ebpfctl's extras (kernel identity,
//! kfuncs, attach and link types, reasons for inconclusive probes) are only added on request (`Extended`).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::config::SystemConfig;
use crate::sys::probe::Verdict;

/// One probed program or map type.
#[derive(Debug, Clone)]
pub struct Probed {
    pub id: u32,
    pub name: String,
    pub verdict: Verdict,
}

/// The helper probes of one program type, aligned with `FeatureReport::helper_names`.
#[derive(Debug, Clone)]
pub struct HelperProbes {
    pub prog_type: String,
    /// Why no helper was probed for this type (the type is unsupported, or needs a BTF attach target).
    pub skipped: Option<String>,
    /// One verdict per name in `FeatureReport::helper_names`; empty when skipped.
    pub verdicts: Vec<Verdict>,
}

impl HelperProbes {
    /// The helpers probed as available, in helper id order.
    pub fn available<'a>(&'a self, names: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        names
            .iter()
            .zip(&self.verdicts)
            .filter(|(_, v)| **v == Verdict::Yes)
            .map(|(n, _)| n.as_str())
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KernelIdentity {
    pub release: String,
    pub arch: String,
    /// sha256 of /sys/kernel/btf/vmlinux: two kernels with the same digest have the same types.
    pub btf_sha256: Option<String>,
    /// Whether /proc/kallsyms lists data symbols (CONFIG_KALLSYMS_ALL): the verifier finds __ksym variables there.
    pub kallsyms_data: Option<bool>,
    /// LINUX_KERNEL_VERSION as libbpf computes it here (Debian's and Ubuntu's point release, not `uname -r`'s): what
    /// `compat check` offline assumes for an object that branches on it.
    pub version_code: Option<u32>,
}

/// kfuncs the kernel declares, and those each program type may call.
#[derive(Debug, Clone, Default)]
pub struct KfuncReport {
    pub declared: Vec<String>,
    /// (program type, available kfuncs), for the program types whose kfuncs were probed.
    pub available: Vec<(String, Vec<String>)>,
}

/// What `--extended` adds.
#[derive(Debug, Clone)]
pub struct Extended {
    pub kernel: KernelIdentity,
    pub kfuncs: KfuncReport,
    /// libbpf's attach type names: known to this kernel's enum bpf_attach_type or not.
    pub attach_types: Vec<(String, Verdict)>,
    pub link_types: Vec<(String, Verdict)>,
    /// Program kinds by libbpf section name ("fentry", "tp_btf", "uprobe.s"), loaded with their real attributes.
    pub kinds: Vec<(String, Verdict)>,
    /// Helpers probed in the kinds that need an attach target, aligned with `FeatureReport::helper_names`.
    pub kind_helpers: Vec<HelperProbes>,
    /// "section.key" -> why that probe was inconclusive or skipped.
    pub errors: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct FeatureReport {
    /// None when probing a device (bpftool omits it for `dev NAME`).
    pub system_config: Option<SystemConfig>,
    pub bpf_syscall: bool,
    pub prog_types: Vec<Probed>,
    pub map_types: Vec<Probed>,
    /// The helpers considered, in id order (the three noisy ones only with `full`).
    pub helper_names: Vec<String>,
    pub helpers: Vec<HelperProbes>,
    /// (bpftool's key, verdict): have_large_insn_limit, have_bounded_loops, have_vN_isa_extension.
    pub misc: Vec<(&'static str, Verdict)>,
    pub extended: Option<Extended>,
}

/// A JSON object from (key, value) pairs, in order.
struct Pairs<I>(I);

impl<K, V, I> Serialize for Pairs<I>
where
    I: Clone + IntoIterator<Item = (K, V)>,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.0.clone() {
            map.serialize_entry(&k, &v)?;
        }
        map.end()
    }
}

impl Serialize for SystemConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for sysctl in &self.sysctls {
            map.serialize_entry(sysctl.name, &sysctl.value)?;
        }
        for option in &self.kconfig {
            map.serialize_entry(option.name, &option.value)?;
        }
        map.end()
    }
}

impl Serialize for FeatureReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(config) = &self.system_config {
            map.serialize_entry("system_config", config)?;
        }
        map.serialize_entry(
            "syscall_config",
            &Pairs([("have_bpf_syscall", self.bpf_syscall)]),
        )?;
        // Without bpf() there is nothing more to ask, and bpftool stops here too.
        if !self.bpf_syscall {
            return map.end();
        }
        map.serialize_entry("program_types", &have_types(&self.prog_types, "prog_type"))?;
        map.serialize_entry("map_types", &have_types(&self.map_types, "map_type"))?;
        let helpers = self.helpers.iter().map(|h| {
            let available: Vec<&str> = h.available(&self.helper_names).collect();
            (format!("{}_available_helpers", h.prog_type), available)
        });
        map.serialize_entry("helpers", &Pairs(helpers))?;
        map.serialize_entry(
            "misc",
            &Pairs(self.misc.iter().map(|(k, v)| (*k, v.as_bool()))),
        )?;
        if let Some(ext) = &self.extended {
            map.serialize_entry("kernel", &ext.kernel)?;
            map.serialize_entry("kfuncs", &ext.kfuncs)?;
            map.serialize_entry("attach_types", &known(&ext.attach_types))?;
            map.serialize_entry("link_types", &known(&ext.link_types))?;
            map.serialize_entry("program_kinds", &known(&ext.kinds))?;
            let kind_helpers = ext.kind_helpers.iter().map(|h| {
                let available: Vec<&str> = h.available(&self.helper_names).collect();
                (h.prog_type.as_str(), available)
            });
            map.serialize_entry("kind_helpers", &Pairs(kind_helpers))?;
            map.serialize_entry("errors", &Pairs(ext.errors.iter().map(|(k, v)| (k, v))))?;
        }
        map.end()
    }
}

/// {"have_<name>_<suffix>": true|false|null, ...}
fn have_types<'a>(
    list: &'a [Probed],
    suffix: &'static str,
) -> Pairs<impl Iterator<Item = (String, Option<bool>)> + Clone + 'a> {
    Pairs(
        list.iter()
            .map(move |p| (format!("have_{}_{suffix}", p.name), p.verdict.as_bool())),
    )
}

fn known(
    list: &[(String, Verdict)],
) -> Pairs<impl Iterator<Item = (&String, Option<bool>)> + Clone> {
    Pairs(list.iter().map(|(n, v)| (n, v.as_bool())))
}

/// {"declared": [...], "available": {"<prog_type>": [...]}}
impl Serialize for KfuncReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("declared", &self.declared)?;
        map.serialize_entry(
            "available",
            &Pairs(self.available.iter().map(|(t, l)| (t, l))),
        )?;
        map.end()
    }
}
