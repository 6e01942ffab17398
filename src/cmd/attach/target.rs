//! `prog attach`/`prog detach` target words, by attach type: what the user named (`syscalls/sys_enter_getppid`,
//! `dev veth0`, a cgroup path, a binary and symbol) turned into a typed target, plus the program type each attach
//! type needs so a mismatch is explained before the kernel answers EINVAL.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::cli::AttachKind;
use crate::cmd::select::words::{dev_name, usage, Words};
use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Tracepoint {
        category: String,
        name: String,
    },
    RawTracepoint {
        name: String,
    },
    /// tp_btf, fentry, fexit, fmod_ret, lsm: the target was fixed when the program was loaded.
    LoadTime,
    Kprobe {
        func: String,
        offset: u64,
    },
    KprobeMulti {
        symbols: Vec<String>,
    },
    Uprobe {
        binary: PathBuf,
        location: String,
        pid: i32,
    },
    PerfEvent {
        cpu: Option<i32>,
        freq: u64,
        pid: i32,
    },
    Device {
        name: String,
    },
    Cgroup {
        path: PathBuf,
    },
    Map {
        words: Vec<String>,
    },
    Netns {
        path: PathBuf,
    },
    Netfilter {
        pf: u32,
        hook: u32,
        priority: i32,
        defrag: bool,
    },
    /// No target words given (prog detach of everything of one type).
    Any,
}

/// libbpf's name for the attach type behind `kind` (the ValueEnum names are libbpf's where libbpf has one).
pub fn kind_name(kind: AttachKind) -> String {
    kind.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

pub fn is_cgroup(kind: AttachKind) -> bool {
    kind_name(kind).starts_with("cgroup_")
}

/// Program types (libbpf names) that can attach as `kind`.
pub fn prog_types_for(kind: AttachKind) -> &'static [&'static str] {
    use AttachKind::*;
    match kind {
        Tracepoint => &["tracepoint"],
        RawTracepoint => &["raw_tracepoint", "raw_tracepoint_writable"],
        Kprobe | Kretprobe | KprobeMulti | KretprobeMulti | Uprobe | Uretprobe | Usdt => {
            &["kprobe"]
        }
        TpBtf | Fentry | Fexit | FmodRet => &["tracing"],
        Lsm => &["lsm"],
        PerfEvent => &["perf_event"],
        Xdp | Xdpgeneric | Xdpdrv | Xdpoffload => &["xdp"],
        TcxIngress | TcxEgress | TcIngress | TcEgress | NetkitPrimary | NetkitPeer => {
            &["sched_cls", "sched_act"]
        }
        SkMsgVerdict => &["sk_msg"],
        SkSkbStreamParser | SkSkbStreamVerdict | SkSkbVerdict => &["sk_skb"],
        FlowDissector => &["flow_dissector"],
        SkLookup => &["sk_lookup"],
        Netfilter => &["netfilter"],
        CgroupInetIngress | CgroupInetEgress => &["cgroup_skb"],
        CgroupInetSockCreate
        | CgroupInetSockRelease
        | CgroupInet4PostBind
        | CgroupInet6PostBind => &["cgroup_sock"],
        CgroupSockOps => &["sock_ops"],
        CgroupDevice => &["cgroup_device"],
        CgroupSysctl => &["cgroup_sysctl"],
        CgroupGetsockopt | CgroupSetsockopt => &["cgroup_sockopt"],
        _ => &["cgroup_sock_addr"],
    }
}

/// Parses the target words for `kind`. `required` is false for `prog detach`, where the target may be omitted.
pub fn parse(kind: AttachKind, words: &[String], required: bool) -> Result<Target> {
    use AttachKind::*;
    if words.is_empty() && !required {
        return Ok(Target::Any);
    }
    let mut w = Words::new(words);
    let target = match kind {
        Tracepoint => {
            let first = w.value("tracepoint")?;
            let (category, name) = match first.split_once(['/', ':']) {
                Some((c, n)) => (c.to_string(), n.to_string()),
                None => (
                    first.to_string(),
                    w.value("tracepoint CATEGORY")?.to_string(),
                ),
            };
            // Each part becomes a directory name under tracefs' events/: no way out of it.
            for part in [&category, &name] {
                if part.is_empty() || part == "." || part == ".." || part.contains('/') {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!("tracepoint {category}/{name}"),
                        "expected CATEGORY/NAME as in /sys/kernel/tracing/events",
                    ));
                }
            }
            Target::Tracepoint { category, name }
        }
        RawTracepoint => Target::RawTracepoint {
            name: w.value("raw_tracepoint")?.to_string(),
        },
        TpBtf | Fentry | Fexit | FmodRet | Lsm => Target::LoadTime,
        Kprobe | Kretprobe => {
            let spec = w.value("kprobe")?;
            let (func, offset) = match spec.split_once('+') {
                Some((f, o)) => (f, parse_u64(o)?),
                None => (spec, 0),
            };
            Target::Kprobe {
                func: func.to_string(),
                offset,
            }
        }
        KprobeMulti | KretprobeMulti => Target::KprobeMulti {
            symbols: w
                .value("kprobe_multi")?
                .split(',')
                .map(str::to_string)
                .collect(),
        },
        Uprobe | Uretprobe | Usdt => parse_uprobe(&mut w)?,
        PerfEvent => parse_perf_event(&mut w)?,
        Xdp | Xdpgeneric | Xdpdrv | Xdpoffload | TcxIngress | TcxEgress | TcIngress | TcEgress
        | NetkitPrimary | NetkitPeer => Target::Device {
            name: dev_name(&mut w)?,
        },
        SkMsgVerdict | SkSkbStreamParser | SkSkbStreamVerdict | SkSkbVerdict => Target::Map {
            words: w.take(2, "MAP (id N | pinned PATH | name NAME)")?.to_vec(),
        },
        FlowDissector | SkLookup => {
            let path = match w.next_word() {
                None => PathBuf::from("/proc/self/ns/net"),
                Some("netns") => PathBuf::from(w.value("netns")?),
                Some(other) => return Err(usage(format!("expected `netns PATH`, got {other:?}"))),
            };
            Target::Netns { path }
        }
        Netfilter => parse_netfilter(&mut w)?,
        _ => Target::Cgroup {
            path: PathBuf::from(w.value("CGROUP")?),
        },
    };
    w.finish()?;
    Ok(target)
}

fn parse_u64(text: &str) -> Result<u64> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| usage(format!("{text:?} is not a number")))
}

fn parse_uprobe(w: &mut Words<'_>) -> Result<Target> {
    let binary = PathBuf::from(w.value("uprobe BINARY")?);
    let location = w.value("uprobe SYMBOL|0xOFFSET")?.to_string();
    let mut pid = -1;
    if w.peek() == Some("pid") {
        w.next_word();
        pid = w.number("pid")?;
    }
    Ok(Target::Uprobe {
        binary,
        location,
        pid,
    })
}

fn parse_perf_event(w: &mut Words<'_>) -> Result<Target> {
    let (mut cpu, mut freq, mut pid) = (None, 99, -1);
    while let Some(word) = w.next_word() {
        match word {
            "cpu" => cpu = Some(w.number("cpu")?),
            "freq" => freq = w.number("freq")?,
            "pid" => pid = w.number("pid")?,
            other => {
                return Err(usage(format!(
                    "unknown perf_event option {other:?} (cpu, freq, pid)"
                )))
            }
        }
    }
    Ok(Target::PerfEvent { cpu, freq, pid })
}

/// NFPROTO_* and NF_INET_* values from the uapi headers.
fn parse_netfilter(w: &mut Words<'_>) -> Result<Target> {
    let pf = match w.value("netfilter FAMILY")? {
        "ipv4" | "inet4" => 2,
        "ipv6" | "inet6" => 10,
        other => {
            return Err(usage(format!(
                "unknown netfilter family {other:?} (ipv4, ipv6)"
            )))
        }
    };
    let hook = match w.value("netfilter HOOK")? {
        "prerouting" => 0,
        "input" => 1,
        "forward" => 2,
        "output" => 3,
        "postrouting" => 4,
        other => return Err(usage(format!("unknown netfilter hook {other:?}"))),
    };
    let (mut priority, mut defrag) = (1, false);
    while let Some(word) = w.next_word() {
        match word {
            "prio" => priority = w.number("prio")?,
            "defrag" => defrag = true,
            other => {
                return Err(usage(format!(
                    "unknown netfilter option {other:?} (prio N, defrag)"
                )))
            }
        }
    }
    Ok(Target::Netfilter {
        pf,
        hook,
        priority,
        defrag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn targets_parse() {
        assert_eq!(
            parse(
                AttachKind::Tracepoint,
                &words("syscalls/sys_enter_getppid"),
                true
            )
            .unwrap(),
            Target::Tracepoint {
                category: "syscalls".into(),
                name: "sys_enter_getppid".into()
            }
        );
        assert_eq!(
            parse(
                AttachKind::Tracepoint,
                &words("syscalls sys_enter_getppid"),
                true
            )
            .unwrap(),
            parse(
                AttachKind::Tracepoint,
                &words("syscalls:sys_enter_getppid"),
                true
            )
            .unwrap()
        );
        assert_eq!(
            parse(AttachKind::TcxIngress, &words("dev veth0"), true).unwrap(),
            Target::Device {
                name: "veth0".into()
            }
        );
        assert!(parse(AttachKind::Xdp, &words("veth0"), true).is_err());
        assert!(parse(AttachKind::Xdp, &words("dev veth0 extra"), true).is_err());
        assert_eq!(parse(AttachKind::Xdp, &[], false).unwrap(), Target::Any);
        assert_eq!(
            parse(AttachKind::Uprobe, &words("/bin/x main pid 7"), true).unwrap(),
            Target::Uprobe {
                binary: "/bin/x".into(),
                location: "main".into(),
                pid: 7
            }
        );
        assert_eq!(
            parse(AttachKind::Kprobe, &words("do_nanosleep+0x10"), true).unwrap(),
            Target::Kprobe {
                func: "do_nanosleep".into(),
                offset: 16
            }
        );
        assert_eq!(
            parse(AttachKind::Netfilter, &words("ipv4 input prio 10"), true).unwrap(),
            Target::Netfilter {
                pf: 2,
                hook: 1,
                priority: 10,
                defrag: false
            }
        );
        assert_eq!(
            parse(
                AttachKind::CgroupInetEgress,
                &words("/sys/fs/cgroup/x"),
                true
            )
            .unwrap(),
            Target::Cgroup {
                path: "/sys/fs/cgroup/x".into()
            }
        );
    }

    #[test]
    fn kind_names_are_libbpf_attach_type_names() {
        for kind in [
            AttachKind::CgroupInetEgress,
            AttachKind::TcxIngress,
            AttachKind::SkLookup,
            AttachKind::SkMsgVerdict,
        ] {
            let name = kind_name(kind);
            assert!(
                crate::sys::names::value_of(crate::sys::names::attach_type, &name).is_some(),
                "{name}"
            );
        }
    }
}
