// Programs for the lifecycle tests: one per attach type testable on this kernel, each counting its runs in
// `counts[slot]` so a test can prove traffic or events reached it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum slot {
	SLOT_TP = 0,
	SLOT_RAW_TP = 1,
	SLOT_UPROBE = 2,
	SLOT_PERF = 3,
	SLOT_XDP = 4,
	SLOT_TC = 5,
	SLOT_TCX_IN = 6,
	SLOT_TCX_EG = 7,
	SLOT_CG_EGRESS = 8,
	SLOT_CG_INGRESS = 9,
	SLOT_SK_LOOKUP = 10,
	SLOT_SOCKET = 11,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* 0 counts every process; otherwise only this tgid (set with --set target_tgid=N). */
const volatile __u32 target_tgid = 0;

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int mine(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int lc_tp(void *ctx)
{
	if (mine())
		bump(SLOT_TP);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int lc_raw_tp(void *ctx)
{
	if (mine())
		bump(SLOT_RAW_TP);
	return 0;
}

SEC("uprobe")
int lc_uprobe(void *ctx)
{
	bump(SLOT_UPROBE);
	return 0;
}

SEC("perf_event")
int lc_perf(void *ctx)
{
	bump(SLOT_PERF);
	return 0;
}

SEC("xdp")
int lc_xdp(struct xdp_md *ctx)
{
	bump(SLOT_XDP);
	return XDP_PASS;
}

SEC("tc")
int lc_tc(struct __sk_buff *skb)
{
	bump(SLOT_TC);
	return 0; /* TC_ACT_OK */
}

SEC("tcx/ingress")
int lc_tcx_in(struct __sk_buff *skb)
{
	bump(SLOT_TCX_IN);
	return -1; /* TCX_NEXT */
}

SEC("tcx/egress")
int lc_tcx_eg(struct __sk_buff *skb)
{
	bump(SLOT_TCX_EG);
	return -1; /* TCX_NEXT */
}

SEC("cgroup_skb/egress")
int lc_cg_egress(struct __sk_buff *skb)
{
	bump(SLOT_CG_EGRESS);
	return 1;
}

SEC("cgroup_skb/ingress")
int lc_cg_ingress(struct __sk_buff *skb)
{
	bump(SLOT_CG_INGRESS);
	return 1;
}

SEC("sk_lookup")
int lc_sk_lookup(struct bpf_sk_lookup *ctx)
{
	bump(SLOT_SK_LOOKUP);
	return SK_PASS;
}

SEC("socket")
int lc_socket(struct __sk_buff *skb)
{
	bump(SLOT_SOCKET);
	return skb->len;
}
