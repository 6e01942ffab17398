//! Table form of `link show`: one ATTACH column says where each link is attached, whatever its type.

use super::prog::pids_cell;
use super::{Render, Text, Tone};
use crate::cmd::link::LinkEntry;
use crate::cmd::link_fields::LinkFields;
use crate::cmd::select::Listing;

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

impl Render for Listing<LinkEntry> {
    fn render(&self, text: &mut Text) {
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
