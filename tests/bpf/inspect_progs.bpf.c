// Programs of many types, one per libbpf SEC() convention, plus a shared subprogram, helpers and a kfunc.
// tests/inspect_objects.rs compares what `ebpfctl inspect` says about each with what libbpf's bpf_object__open says.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

/* A global subprogram in .text: libbpf counts it as a subprogram, not a program. */
__attribute__((noinline)) int count_once(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counter, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

#define PROG(sec, name) SEC(sec) int name(void *ctx) { return count_once(0); }

PROG("socket", prog_socket)
PROG("kprobe/do_nanosleep", prog_kprobe)
PROG("kretprobe/do_nanosleep", prog_kretprobe)
PROG("uprobe//bin/true:main", prog_uprobe)
PROG("uprobe.s//bin/true:main", prog_uprobe_sleepable)
PROG("uretprobe//bin/true:main", prog_uretprobe)
PROG("kprobe.multi/do_nano*", prog_kprobe_multi)
PROG("ksyscall/nanosleep", prog_ksyscall)
PROG("usdt", prog_usdt)
PROG("tracepoint/syscalls/sys_enter_getppid", prog_tracepoint)
PROG("tp/syscalls/sys_exit_getppid", prog_tp)
PROG("raw_tp/sys_enter", prog_raw_tp)
PROG("raw_tracepoint.w/sys_exit", prog_raw_tp_writable)
PROG("tp_btf/sched_switch", prog_tp_btf)
PROG("fentry/do_nanosleep", prog_fentry)
PROG("fexit/do_nanosleep", prog_fexit)
PROG("fmod_ret/do_nanosleep", prog_fmod_ret)
PROG("fentry.s/do_nanosleep", prog_fentry_sleepable)
PROG("lsm/file_open", prog_lsm)
PROG("lsm.s/file_open", prog_lsm_sleepable)
PROG("iter/task", prog_iter)
PROG("xdp", prog_xdp)
PROG("xdp.frags", prog_xdp_frags)
PROG("xdp/devmap", prog_xdp_devmap)
PROG("tc", prog_tc)
PROG("tcx/ingress", prog_tcx_ingress)
PROG("tcx/egress", prog_tcx_egress)
PROG("action", prog_action)
PROG("sk_skb/stream_parser", prog_sk_skb_parser)
PROG("sk_skb/stream_verdict", prog_sk_skb_verdict)
PROG("sk_msg", prog_sk_msg)
PROG("sockops", prog_sockops)
PROG("cgroup_skb/ingress", prog_cgroup_skb_ingress)
PROG("cgroup_skb/egress", prog_cgroup_skb_egress)
PROG("cgroup/sock_create", prog_cgroup_sock_create)
PROG("cgroup/connect4", prog_cgroup_connect4)
PROG("cgroup/sendmsg6", prog_cgroup_sendmsg6)
PROG("cgroup/sysctl", prog_cgroup_sysctl)
PROG("cgroup/getsockopt", prog_cgroup_getsockopt)
PROG("cgroup/dev", prog_cgroup_dev)
PROG("flow_dissector", prog_flow_dissector)
PROG("sk_lookup", prog_sk_lookup)
PROG("sk_reuseport", prog_sk_reuseport)
PROG("lwt_in", prog_lwt_in)
PROG("lwt_xmit", prog_lwt_xmit)
PROG("perf_event", prog_perf_event)
PROG("syscall", prog_syscall)
PROG("netfilter", prog_netfilter)
PROG("lirc_mode2", prog_lirc)
PROG("my_custom_section", prog_unknown_section)

SEC("tp_btf/task_newtask")
int prog_kfunc(u64 *ctx)
{
	struct task_struct *t = bpf_task_acquire(bpf_get_current_task_btf());

	if (t)
		bpf_task_release(t);
	return bpf_get_smp_processor_id() == 0;
}
