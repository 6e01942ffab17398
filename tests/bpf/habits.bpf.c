// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Programs for the "operator's habits" tests (tests/habits_*.rs): a tracepoint first (what `prog load ...
 * autoattach` attaches), XDP and two tcx classifiers for the net attach/detach tests, sockmap programs attached
 * under bpftool's traditional names, and a flow dissector attached the way bpftool attaches it. Each counts its
 * runs in `hb_counts[slot]`, so a test can tell a program that runs from one that is merely attached; the
 * tracepoint only counts the test process (`target_tgid`, set at load time like a real tool's filter). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum slot {
	SLOT_TP = 0,
	SLOT_XDP = 1,
	SLOT_TC_A = 2,
	SLOT_TC_B = 3,
	SLOT_MSG = 4,
	SLOT_FLOW = 5,
};

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} hb_counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&hb_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int hb_tp(void *ctx)
{
	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bump(SLOT_TP);
	return 0;
}

SEC("xdp")
int hb_xdp(struct xdp_md *ctx)
{
	bump(SLOT_XDP);
	return XDP_PASS;
}

SEC("tcx/ingress")
int hb_tc_a(struct __sk_buff *skb)
{
	bump(SLOT_TC_A);
	return -1; /* TCX_NEXT: let the next program run too */
}

SEC("tcx/ingress")
int hb_tc_b(struct __sk_buff *skb)
{
	bump(SLOT_TC_B);
	return -1;
}

SEC("sk_msg")
int hb_msg(struct sk_msg_md *msg)
{
	bump(SLOT_MSG);
	return SK_PASS;
}

SEC("sk_skb/stream_parser")
int hb_parser(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int hb_verdict(struct __sk_buff *skb)
{
	return SK_PASS;
}

/* BPF_FLOW_DISSECTOR_CONTINUE (6.1+): count, then let the kernel's own dissector do the work. */
SEC("flow_dissector")
int hb_flow(struct __sk_buff *skb)
{
	bump(SLOT_FLOW);
	return 129;
}
