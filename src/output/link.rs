//! Table form of `link show`: one ATTACH column says where each link is attached, whatever its type.

use super::prog::pids_cell;
use super::{Render, Text, Tone};
use serde::Serialize;
use serde_json::Value;

use super::show::{refs_rows, Listing, Pid};
use crate::sys::names::Named;

fn retprobe(ret: bool, name: &str) -> String {
    if ret {
        format!("{} (return)", name.trim_end())
    } else {
        name.trim_end().to_string()
    }
}

/// Where the link is attached, in a few words.
fn attach(fields: &LinkFields) -> String {
    match fields {
        LinkFields::RawTracepoint { tp_name, .. } => format!("raw_tp {tp_name}"),
        LinkFields::Tracing {
            attach_type,
            target_obj_id,
            target_btf_id,
            ..
        } => format!("{attach_type} btf {target_obj_id}:{target_btf_id}"),
        LinkFields::Cgroup {
            cgroup_id,
            attach_type,
        } => format!("{attach_type} cgroup {cgroup_id}"),
        LinkFields::Iter { target_name, .. } => format!("iter {target_name}"),
        LinkFields::Netns {
            netns_ino,
            attach_type,
        } => format!("{attach_type} netns {netns_ino}"),
        LinkFields::Netfilter { pf, hook, prio, .. } => {
            format!("netfilter pf {pf} hook {hook} prio {prio}")
        }
        LinkFields::Device {
            devname,
            ifindex,
            attach_type,
        } => match attach_type {
            Some(t) => format!("{t} {devname}({ifindex})"),
            None => format!("xdp {devname}({ifindex})"),
        },
        LinkFields::MapRef {
            map_id,
            attach_type,
        } => match attach_type {
            Some(t) => format!("{t} map {map_id}"),
            None => format!("struct_ops map {map_id}"),
        },
        LinkFields::KprobeMulti {
            retprobe: ret,
            func_cnt,
            ..
        } => format!("{} {func_cnt} functions", retprobe(*ret, "kprobe_multi ")),
        LinkFields::UprobeMulti {
            retprobe: ret,
            path,
            func_cnt,
            ..
        } => format!("{} {path} ({func_cnt})", retprobe(*ret, "uprobe_multi ")),
        LinkFields::PerfUprobe {
            retprobe: ret,
            file,
            offset,
            ..
        } => format!(
            "{} {file}+{offset:#x}",
            if *ret { "uretprobe" } else { "uprobe" }
        ),
        LinkFields::PerfKprobe {
            retprobe: ret,
            func,
            offset,
            ..
        } => format!(
            "{} {func}+{offset:#x}",
            if *ret { "kretprobe" } else { "kprobe" }
        ),
        LinkFields::PerfTracepoint { tracepoint, .. } => format!("tracepoint {tracepoint}"),
        LinkFields::PerfEvent {
            event_type,
            event_config,
            ..
        } => format!("perf {} {}", plain(event_type), plain(event_config)),
        LinkFields::Nothing {} => String::new(),
    }
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `link show id N` on its own: where it is attached, every per-type field, pins and holders.
fn details(e: &LinkEntry, text: &mut Text) {
    let title = format!("link {}  {}", e.id, e.link_type);
    let fields = match serde_json::to_value(&e.fields) {
        Ok(Value::Object(fields)) => fields,
        _ => Default::default(),
    };
    let mut rows: Vec<(&str, Vec<String>)> = vec![
        ("prog", vec![e.prog_id.to_string()]),
        ("attach", vec![attach(&e.fields)]),
    ];
    for (key, value) in &fields {
        let lines = match value {
            Value::Array(items) => items.iter().map(plain).collect(),
            other => vec![plain(other)],
        };
        rows.push((key.as_str(), lines));
    }
    rows.extend(refs_rows(None, &e.pinned, &e.pids));
    text.details(&title, &rows);
}

impl Render for Listing<LinkEntry> {
    fn render(&self, text: &mut Text) {
        if let (true, [one]) = (self.single, self.items.as_slice()) {
            return details(one, text);
        }
        let mut header = vec!["ID", "TYPE", "PROG", "ATTACH", "PIDS"];
        if self.wide {
            header.push("PINNED");
        }
        let rows: Vec<_> = self
            .items
            .iter()
            .map(|e| {
                let mut row = vec![
                    text.cell(e.id, Tone::Plain),
                    text.cell(e.link_type, Tone::Plain),
                    text.cell(e.prog_id, Tone::Plain),
                    text.cell(attach(&e.fields), Tone::Plain),
                    text.cell(pids_cell(&e.pids), Tone::Plain),
                ];
                if self.wide {
                    row.push(text.cell(e.pinned.join(", "), Tone::Plain));
                }
                row
            })
            .collect();
        text.table(&header, rows);
    }
}

#[derive(Debug, Serialize)]
pub struct LinkEntry {
    pub id: u32,
    #[serde(rename = "type")]
    pub link_type: Named,
    pub prog_id: u32,
    #[serde(flatten)]
    pub fields: LinkFields,
    pub pinned: Vec<String>,
    pub pids: Vec<Pid>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum LinkFields {
    RawTracepoint {
        tp_name: String,
        cookie: u64,
    },
    Tracing {
        prog_type: Option<Named>,
        attach_type: Named,
        target_obj_id: u32,
        target_btf_id: u32,
        cookie: u64,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: Named,
    },
    Iter {
        target_name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        map_id: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tid: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cgroup_id: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        order: Option<&'static str>,
    },
    Netns {
        netns_ino: u32,
        attach_type: Named,
    },
    Netfilter {
        pf: u32,
        hook: u32,
        prio: i32,
        flags: u32,
    },
    /// xdp (no attach type), tcx and netkit.
    Device {
        devname: String,
        ifindex: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        attach_type: Option<Named>,
    },
    /// struct_ops (no attach type) and sockmap.
    MapRef {
        map_id: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        attach_type: Option<Named>,
    },
    KprobeMulti {
        retprobe: bool,
        func_cnt: usize,
        missed: u64,
        funcs: Vec<KprobeFunc>,
    },
    UprobeMulti {
        retprobe: bool,
        path: String,
        func_cnt: usize,
        pid: i32,
        funcs: Vec<UprobeFunc>,
    },
    PerfUprobe {
        retprobe: bool,
        file: String,
        offset: u32,
        cookie: u64,
        ref_ctr_offset: u64,
    },
    PerfKprobe {
        retprobe: bool,
        addr: u64,
        func: String,
        offset: u32,
        missed: u64,
        cookie: u64,
    },
    PerfTracepoint {
        tracepoint: String,
        cookie: u64,
    },
    PerfEvent {
        event_type: Value,
        event_config: Value,
        cookie: u64,
    },
    Nothing {},
}

#[derive(Debug, Serialize)]
pub struct KprobeFunc {
    pub addr: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub func: Option<String>,
    /// null for vmlinux, as bpftool prints it.
    pub module: Option<String>,
    pub cookie: u64,
}

#[derive(Debug, Serialize)]
pub struct UprobeFunc {
    pub offset: u64,
    pub ref_ctr_offset: u64,
    pub cookie: u64,
}
