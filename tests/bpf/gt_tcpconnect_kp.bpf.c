// Ground truth, a bcc-style connect tracer with kprobes only: one alternative for IPv4 and IPv6, plus a kprobe on
// a helper function that exists in kallsyms under another name on some builds. Every program loads on every
// kernel (a kprobe program does not name its function at load time); whether each can attach depends on the
// kernel's symbols, which `compat check` reports per program without changing the load verdict.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct sock *);
} currsock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

struct conn {
	__u32 pid;
	__u16 family;
	__u16 dport;
	__u8 daddr[16];
};

static __always_inline int entry(struct sock *sk)
{
	u32 tid = bpf_get_current_pid_tgid();

	bpf_map_update_elem(&currsock, &tid, &sk, 0);
	return 0;
}

static __always_inline int ret(int rc, u16 family)
{
	u32 tid = bpf_get_current_pid_tgid();
	struct sock **skpp = bpf_map_lookup_elem(&currsock, &tid);
	struct conn *c;

	if (!skpp)
		return 0;
	if (rc == 0) {
		c = bpf_ringbuf_reserve(&rb, sizeof(*c), 0);
		if (c) {
			c->pid = bpf_get_current_pid_tgid() >> 32;
			c->family = family;
			c->dport = BPF_CORE_READ(*skpp, __sk_common.skc_dport);
			if (family == 2)
				BPF_CORE_READ_INTO(c->daddr, *skpp, __sk_common.skc_daddr);
			else
				BPF_CORE_READ_INTO(c->daddr, *skpp, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
			bpf_ringbuf_submit(c, 0);
		}
	}
	bpf_map_delete_elem(&currsock, &tid);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(trace_connect_v4_entry, struct sock *sk)
{
	return entry(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(trace_connect_v4_return, int rc)
{
	return ret(rc, 2);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(trace_connect_v6_entry, struct sock *sk)
{
	return entry(sk);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(trace_connect_v6_return, int rc)
{
	return ret(rc, 10);
}

/* The bcc idiom for a function that some builds rename (.isra/.constprop clones) or inline: two candidates, one
 * disabled by the loader after looking at /proc/kallsyms. */
SEC("kprobe/tcp_set_state")
int BPF_KPROBE(trace_set_state, struct sock *sk, int state)
{
	return 0;
}

SEC("kprobe/ebpfctl_gt_no_such_function")
int BPF_KPROBE(trace_missing_alternative, struct sock *sk)
{
	return 0;
}
