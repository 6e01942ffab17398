//! libbpf's SEC() conventions (`section_defs[]` in libbpf.c, libbpf 1.7) as data: section name pattern → program
//! type, expected attach type and flags. Keep this table in libbpf's order: the first match wins, and the tests
//! compare every fixture program with what `bpf_object__open` decides.

/// How a pattern matches a section name. `Exact`: the whole name; `Plus` (libbpf's "type+"): "type" alone or
/// "type/anything", where the part after '/' is the attach target. (libbpf 1.x has no plain-prefix entries left.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    Plus,
}

#[derive(Debug, Clone, Copy)]
pub struct SecDef {
    pub pattern: &'static str,
    pub how: Match,
    /// libbpf_bpf_prog_type_str() spelling.
    pub prog_type: &'static str,
    /// libbpf_bpf_attach_type_str() spelling; None where libbpf leaves it 0.
    pub attach_type: Option<&'static str>,
    pub sleepable: bool,
}

const fn def(
    pattern: &'static str,
    how: Match,
    prog_type: &'static str,
    attach_type: Option<&'static str>,
    sleepable: bool,
) -> SecDef {
    SecDef {
        pattern,
        how,
        prog_type,
        attach_type,
        sleepable,
    }
}

use Match::{Exact as E, Plus as P};

const N: Option<&str> = None;

#[rustfmt::skip]
pub const SECTION_DEFS: &[SecDef] = &[
    def("socket", E, "socket_filter", N, false),
    def("sk_reuseport/migrate", E, "sk_reuseport", Some("sk_reuseport_select_or_migrate"), false),
    def("sk_reuseport", E, "sk_reuseport", Some("sk_reuseport_select"), false),
    def("kprobe", P, "kprobe", N, false),
    def("uprobe", P, "kprobe", N, false),
    def("uprobe.s", P, "kprobe", N, true),
    def("kretprobe", P, "kprobe", N, false),
    def("uretprobe", P, "kprobe", N, false),
    def("uretprobe.s", P, "kprobe", N, true),
    def("kprobe.multi", P, "kprobe", Some("trace_kprobe_multi"), false),
    def("kretprobe.multi", P, "kprobe", Some("trace_kprobe_multi"), false),
    def("kprobe.session", P, "kprobe", Some("trace_kprobe_session"), false),
    def("uprobe.multi", P, "kprobe", Some("trace_uprobe_multi"), false),
    def("uretprobe.multi", P, "kprobe", Some("trace_uprobe_multi"), false),
    def("uprobe.session", P, "kprobe", Some("trace_uprobe_session"), false),
    def("uprobe.multi.s", P, "kprobe", Some("trace_uprobe_multi"), true),
    def("uretprobe.multi.s", P, "kprobe", Some("trace_uprobe_multi"), true),
    def("uprobe.session.s", P, "kprobe", Some("trace_uprobe_session"), true),
    def("ksyscall", P, "kprobe", N, false),
    def("kretsyscall", P, "kprobe", N, false),
    def("usdt", P, "kprobe", N, false),
    def("usdt.s", P, "kprobe", N, true),
    def("tc/ingress", E, "sched_cls", Some("tcx_ingress"), false),
    def("tc/egress", E, "sched_cls", Some("tcx_egress"), false),
    def("tcx/ingress", E, "sched_cls", Some("tcx_ingress"), false),
    def("tcx/egress", E, "sched_cls", Some("tcx_egress"), false),
    def("tc", E, "sched_cls", N, false),
    def("classifier", E, "sched_cls", N, false),
    def("action", E, "sched_act", N, false),
    def("netkit/primary", E, "sched_cls", Some("netkit_primary"), false),
    def("netkit/peer", E, "sched_cls", Some("netkit_peer"), false),
    def("tracepoint", P, "tracepoint", N, false),
    def("tp", P, "tracepoint", N, false),
    def("raw_tracepoint", P, "raw_tracepoint", N, false),
    def("raw_tp", P, "raw_tracepoint", N, false),
    def("raw_tracepoint.w", P, "raw_tracepoint_writable", N, false),
    def("raw_tp.w", P, "raw_tracepoint_writable", N, false),
    def("tp_btf", P, "tracing", Some("trace_raw_tp"), false),
    def("fentry", P, "tracing", Some("trace_fentry"), false),
    def("fmod_ret", P, "tracing", Some("modify_return"), false),
    def("fexit", P, "tracing", Some("trace_fexit"), false),
    def("fentry.s", P, "tracing", Some("trace_fentry"), true),
    def("fmod_ret.s", P, "tracing", Some("modify_return"), true),
    def("fexit.s", P, "tracing", Some("trace_fexit"), true),
    def("freplace", P, "ext", N, false),
    def("lsm", P, "lsm", Some("lsm_mac"), false),
    def("lsm.s", P, "lsm", Some("lsm_mac"), true),
    def("lsm_cgroup", P, "lsm", Some("lsm_cgroup"), false),
    def("iter", P, "tracing", Some("trace_iter"), false),
    def("iter.s", P, "tracing", Some("trace_iter"), true),
    def("syscall", E, "syscall", N, true),
    def("xdp.frags/devmap", E, "xdp", Some("xdp_devmap"), false),
    def("xdp/devmap", E, "xdp", Some("xdp_devmap"), false),
    def("xdp.frags/cpumap", E, "xdp", Some("xdp_cpumap"), false),
    def("xdp/cpumap", E, "xdp", Some("xdp_cpumap"), false),
    def("xdp.frags", E, "xdp", Some("xdp"), false),
    def("xdp", E, "xdp", Some("xdp"), false),
    def("perf_event", E, "perf_event", N, false),
    def("lwt_in", E, "lwt_in", N, false),
    def("lwt_out", E, "lwt_out", N, false),
    def("lwt_xmit", E, "lwt_xmit", N, false),
    def("lwt_seg6local", E, "lwt_seg6local", N, false),
    def("sockops", E, "sock_ops", Some("cgroup_sock_ops"), false),
    def("sk_skb/stream_parser", E, "sk_skb", Some("sk_skb_stream_parser"), false),
    def("sk_skb/stream_verdict", E, "sk_skb", Some("sk_skb_stream_verdict"), false),
    def("sk_skb/verdict", E, "sk_skb", Some("sk_skb_verdict"), false),
    def("sk_skb", E, "sk_skb", N, false),
    def("sk_msg", E, "sk_msg", Some("sk_msg_verdict"), false),
    def("lirc_mode2", E, "lirc_mode2", Some("lirc_mode2"), false),
    def("flow_dissector", E, "flow_dissector", Some("flow_dissector"), false),
    def("cgroup_skb/ingress", E, "cgroup_skb", Some("cgroup_inet_ingress"), false),
    def("cgroup_skb/egress", E, "cgroup_skb", Some("cgroup_inet_egress"), false),
    def("cgroup/skb", E, "cgroup_skb", N, false),
    def("cgroup/sock_create", E, "cgroup_sock", Some("cgroup_inet_sock_create"), false),
    def("cgroup/sock_release", E, "cgroup_sock", Some("cgroup_inet_sock_release"), false),
    def("cgroup/sock", E, "cgroup_sock", Some("cgroup_inet_sock_create"), false),
    def("cgroup/post_bind4", E, "cgroup_sock", Some("cgroup_inet4_post_bind"), false),
    def("cgroup/post_bind6", E, "cgroup_sock", Some("cgroup_inet6_post_bind"), false),
    def("cgroup/bind4", E, "cgroup_sock_addr", Some("cgroup_inet4_bind"), false),
    def("cgroup/bind6", E, "cgroup_sock_addr", Some("cgroup_inet6_bind"), false),
    def("cgroup/connect4", E, "cgroup_sock_addr", Some("cgroup_inet4_connect"), false),
    def("cgroup/connect6", E, "cgroup_sock_addr", Some("cgroup_inet6_connect"), false),
    def("cgroup/connect_unix", E, "cgroup_sock_addr", Some("cgroup_unix_connect"), false),
    def("cgroup/sendmsg4", E, "cgroup_sock_addr", Some("cgroup_udp4_sendmsg"), false),
    def("cgroup/sendmsg6", E, "cgroup_sock_addr", Some("cgroup_udp6_sendmsg"), false),
    def("cgroup/sendmsg_unix", E, "cgroup_sock_addr", Some("cgroup_unix_sendmsg"), false),
    def("cgroup/recvmsg4", E, "cgroup_sock_addr", Some("cgroup_udp4_recvmsg"), false),
    def("cgroup/recvmsg6", E, "cgroup_sock_addr", Some("cgroup_udp6_recvmsg"), false),
    def("cgroup/recvmsg_unix", E, "cgroup_sock_addr", Some("cgroup_unix_recvmsg"), false),
    def("cgroup/getpeername4", E, "cgroup_sock_addr", Some("cgroup_inet4_getpeername"), false),
    def("cgroup/getpeername6", E, "cgroup_sock_addr", Some("cgroup_inet6_getpeername"), false),
    def("cgroup/getpeername_unix", E, "cgroup_sock_addr", Some("cgroup_unix_getpeername"), false),
    def("cgroup/getsockname4", E, "cgroup_sock_addr", Some("cgroup_inet4_getsockname"), false),
    def("cgroup/getsockname6", E, "cgroup_sock_addr", Some("cgroup_inet6_getsockname"), false),
    def("cgroup/getsockname_unix", E, "cgroup_sock_addr", Some("cgroup_unix_getsockname"), false),
    def("cgroup/sysctl", E, "cgroup_sysctl", Some("cgroup_sysctl"), false),
    def("cgroup/getsockopt", E, "cgroup_sockopt", Some("cgroup_getsockopt"), false),
    def("cgroup/setsockopt", E, "cgroup_sockopt", Some("cgroup_setsockopt"), false),
    def("cgroup/dev", E, "cgroup_device", Some("cgroup_device"), false),
    def("struct_ops", P, "struct_ops", N, false),
    def("struct_ops.s", P, "struct_ops", N, true),
    def("sk_lookup", E, "sk_lookup", Some("sk_lookup"), false),
    def("netfilter", E, "netfilter", Some("netfilter"), false),
];

/// What libbpf makes of a program's section name.
#[derive(Debug, Clone)]
pub struct SecMatch {
    pub def: &'static SecDef,
    /// The part after "type/" for `type+` patterns: kprobe function, tracepoint, fentry target, uprobe binary.
    pub target: Option<String>,
}

/// The first table entry that matches `sec_name`, as libbpf's find_sec_def() picks it.
pub fn find(sec_name: &str) -> Option<SecMatch> {
    SECTION_DEFS.iter().find_map(|def| {
        let target = match def.how {
            Match::Exact => (sec_name == def.pattern).then_some(None)?,
            Match::Plus => {
                let rest = sec_name.strip_prefix(def.pattern)?;
                match rest.strip_prefix('/') {
                    _ if rest.is_empty() => None,
                    Some(t) => Some(t.to_string()),
                    None => return None,
                }
            }
        };
        Some(SecMatch { def, target })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_patterns_need_a_slash_and_exact_ones_the_whole_name() {
        assert_eq!(
            find("kprobe/do_sys_open").unwrap().target.as_deref(),
            Some("do_sys_open")
        );
        assert!(find("kprobe").unwrap().target.is_none());
        assert!(find("kprobex").is_none());
        assert_eq!(find("uprobe.s/bin:main").unwrap().def.pattern, "uprobe.s");
        assert!(find("xdp/foo").is_none());
        assert_eq!(
            find("cgroup/sock").unwrap().def.attach_type,
            Some("cgroup_inet_sock_create")
        );
        assert_eq!(
            find("tp/syscalls/sys_enter_read")
                .unwrap()
                .target
                .as_deref(),
            Some("syscalls/sys_enter_read")
        );
    }
}
