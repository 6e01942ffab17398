//! Text form of `ebpfctl version`.

use super::{Render, Text};
use serde::Serialize;

impl Render for VersionInfo {
    fn render(&self, text: &mut Text) {
        text.line(format!("ebpfctl {}", self.version));
        text.line(format!("libbpf {}", self.libbpf_version));
        text.line(format!("target {}", self.target));
        text.line("features: libbpf_strict, skeletons");
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
    /// bpftool's `features` block, with what is true of this build: libbpf 1.x is always strict, the embedded
    /// objects are skeletons, and there is no libbfd (no JIT disassembly).
    pub features: Features,
}

#[derive(Debug, Serialize)]
pub struct Features {
    pub libbfd: bool,
    pub libbpf_strict: bool,
    pub skeletons: bool,
}
