//! `cgroup show` (a flat array of programs) and `cgroup tree` ([{"cgroup", "programs"}]) in bpftool's shape.

use serde::Serialize;

use super::{Render, Text, Tone};

#[derive(Debug, Serialize)]
pub struct CgroupProg {
    pub id: u32,
    pub attach_type: String,
    /// "multi", "override" or ""; absent for `effective` queries, as bpftool prints it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_flags: Option<String>,
    pub name: String,
    /// The BTF function an lsm_cgroup program hooks; "" for every other type, as bpftool prints it.
    pub attach_btf_name: String,
    pub attach_btf_obj_id: u32,
    pub attach_btf_id: u32,
}

#[derive(Debug, Serialize)]
pub struct CgroupPrograms(pub Vec<CgroupProg>);

#[derive(Debug, Serialize)]
pub struct CgroupEntry {
    pub cgroup: String,
    pub programs: Vec<CgroupProg>,
}

#[derive(Debug, Default, Serialize)]
pub struct CgroupTree(pub Vec<CgroupEntry>);

fn rows(text: &Text, cgroup: Option<&str>, progs: &[CgroupProg]) -> Vec<Vec<comfy_table::Cell>> {
    progs
        .iter()
        .map(|p| {
            let mut row = Vec::new();
            if let Some(c) = cgroup {
                row.push(text.cell(c, Tone::Plain));
            }
            row.push(text.cell(p.id, Tone::Plain));
            row.push(text.cell(&p.attach_type, Tone::Plain));
            row.push(text.cell(p.attach_flags.clone().unwrap_or_default(), Tone::Plain));
            row.push(text.cell(&p.name, Tone::Plain));
            row
        })
        .collect()
}

impl Render for CgroupPrograms {
    fn render(&self, text: &mut Text) {
        let r = rows(text, None, &self.0);
        text.table(&["ID", "ATTACH TYPE", "FLAGS", "NAME"], r);
    }
}

impl Render for CgroupTree {
    fn render(&self, text: &mut Text) {
        let mut all = Vec::new();
        for e in &self.0 {
            all.extend(rows(text, Some(&e.cgroup), &e.programs));
        }
        text.table(&["CGROUP", "ID", "ATTACH TYPE", "FLAGS", "NAME"], all);
    }
}
