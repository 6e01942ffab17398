//! `net show`: bpftool's JSON shape ([{"xdp":[...],"tc":[...],"flow_dissector":[...],"netfilter":[...]}]) and a
//! table per hook.

use serde::Serialize;

use super::{Render, Text, Tone};

#[derive(Debug, Default, Serialize)]
pub struct NetShow {
    pub xdp: Vec<XdpEntry>,
    pub tc: Vec<TcEntry>,
    pub flow_dissector: Vec<FlowDissectorEntry>,
    pub netfilter: Vec<NetfilterEntry>,
}

#[derive(Debug, Serialize)]
pub struct XdpEntry {
    pub devname: String,
    pub ifindex: u32,
    pub mode: &'static str,
    pub id: u32,
}

/// One tc program. bpftool prints clsact filters with "id" and tcx programs with "prog_id", "prog_flags",
/// "link_id" and "link_flags"; the same split is kept here.
#[derive(Debug, Serialize)]
pub struct TcEntry {
    pub devname: String,
    pub ifindex: u32,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prog_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prog_flags: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_flags: Option<Vec<u32>>,
}

#[derive(Debug, Serialize)]
pub struct FlowDissectorEntry {
    pub id: u32,
}

#[derive(Debug, Serialize)]
pub struct NetfilterEntry {
    pub id: u32,
    pub prog_id: u32,
    pub pf: u32,
    pub hook: u32,
    pub prio: i32,
    pub flags: u32,
}

impl Render for Vec<NetShow> {
    fn render(&self, text: &mut Text) {
        for view in self {
            view.render(text);
        }
    }
}

impl Render for NetShow {
    fn render(&self, text: &mut Text) {
        let dash = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
        let mut rows = Vec::new();
        for x in &self.xdp {
            rows.push(vec![
                text.cell(format!("{}({})", x.devname, x.ifindex), Tone::Plain),
                text.cell(format!("xdp/{}", x.mode), Tone::Plain),
                text.cell(x.id, Tone::Plain),
                text.cell("-", Tone::Plain),
                text.cell("-", Tone::Plain),
            ]);
        }
        for t in &self.tc {
            rows.push(vec![
                text.cell(format!("{}({})", t.devname, t.ifindex), Tone::Plain),
                text.cell(&t.kind, Tone::Plain),
                text.cell(dash(t.prog_id.or(t.id)), Tone::Plain),
                text.cell(t.name.clone().unwrap_or_default(), Tone::Plain),
                text.cell(dash(t.link_id.filter(|&l| l != 0)), Tone::Plain),
            ]);
        }
        for f in &self.flow_dissector {
            rows.push(vec![
                text.cell("(netns)", Tone::Plain),
                text.cell("flow_dissector", Tone::Plain),
                text.cell(f.id, Tone::Plain),
                text.cell("-", Tone::Plain),
                text.cell("-", Tone::Plain),
            ]);
        }
        for n in &self.netfilter {
            rows.push(vec![
                text.cell(
                    format!("pf {} hook {} prio {}", n.pf, n.hook, n.prio),
                    Tone::Plain,
                ),
                text.cell("netfilter", Tone::Plain),
                text.cell(n.prog_id, Tone::Plain),
                text.cell("-", Tone::Plain),
                text.cell(n.id, Tone::Plain),
            ]);
        }
        if rows.is_empty() {
            text.line("no programs on network devices");
        } else {
            text.table(&["DEVICE", "HOOK", "PROG", "NAME", "LINK"], rows);
        }
    }
}
