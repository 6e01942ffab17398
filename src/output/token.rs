//! `token show`: bpffs mounts that delegate BPF operations to a user namespace (what a BPF token created from them
//! may do), bpftool's fields and text.

use serde::Serialize;

use super::{Render, Text};

#[derive(Debug, Serialize)]
pub struct TokenMount {
    /// The bpffs mount point (bpftool's name for it).
    pub token_info: String,
    pub allowed_cmds: Vec<String>,
    pub allowed_maps: Vec<String>,
    pub allowed_progs: Vec<String>,
    pub allowed_attachs: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct TokenList(pub Vec<TokenMount>);

impl Render for TokenList {
    fn render(&self, text: &mut Text) {
        for m in &self.0 {
            text.line(format!("token_info  {}", m.token_info));
            for (name, values) in [
                ("allowed_cmds", &m.allowed_cmds),
                ("allowed_maps", &m.allowed_maps),
                ("allowed_progs", &m.allowed_progs),
                ("allowed_attachs", &m.allowed_attachs),
            ] {
                text.line(format!("\t{name}:"));
                if !values.is_empty() {
                    text.line(format!("\t  {}", values.join("  ")));
                }
            }
        }
    }
}
