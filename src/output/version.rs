//! Text form of `ebpfctl version`.

use super::{Render, Text};
use serde::Serialize;

impl Render for VersionInfo {
    fn render(&self, text: &mut Text) {
        text.line(format!("ebpfctl {}", self.version));
        text.line(format!("libbpf {}", self.libbpf_version));
        text.line(format!("target {}", self.target));
        text.line(format!("features: {}", self.features.enabled().join(", ")));
        text.line(format!(
            "embedded objects: {}",
            self.embedded_objects.join(", ")
        ));
    }
}

#[derive(Debug, Serialize)]
pub struct VersionInfo {
    pub version: &'static str,
    pub libbpf_version: String,
    pub target: &'static str,
    pub embedded_objects: &'static [&'static str],
    pub features: Features,
}

/// bpftool's optional build features under the names its HEAD prints (`version -j` → "features"), with what is
/// true of ebpfctl: no libbfd or LLVM (its JIT disassemblers are Rust crates), signing built in (pure-Rust crypto),
/// BPF skeletons embedded, never a bootstrap build; and bpftool 7.1's `libbpf_strict` (dropped by later bpftools,
/// printed for scripts written against 7.1: libbpf 1.x is always strict).
#[derive(Debug, Serialize)]
pub struct Features {
    pub libbfd: bool,
    pub llvm: bool,
    pub crypto: bool,
    pub skeletons: bool,
    pub bootstrap: bool,
    pub libbpf_strict: bool,
}

impl Features {
    fn enabled(&self) -> Vec<&'static str> {
        [
            ("libbfd", self.libbfd),
            ("llvm", self.llvm),
            ("crypto", self.crypto),
            ("skeletons", self.skeletons),
            ("bootstrap", self.bootstrap),
            ("libbpf_strict", self.libbpf_strict),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
    }
}
