// Two tcp_congestion_ops for the struct_ops tests: `lc_ccl` registers through a link (SEC .struct_ops.link), `lc_ccm`
// the older way, by updating the map. Each counts the sockets it was initialised on in `so_counts[slot]`, so a
// test can prove a TCP socket really ran it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} so_counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&so_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("struct_ops")
void BPF_PROG(lc_ccl_init, struct sock *sk)
{
	bump(0);
}

SEC("struct_ops")
void BPF_PROG(lc_ccm_init, struct sock *sk)
{
	bump(1);
}

/* Reno's minimum: a fixed window is enough for the few bytes a test sends. */
SEC("struct_ops")
__u32 BPF_PROG(lc_cc_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops")
void BPF_PROG(lc_cc_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(lc_cc_undo_cwnd, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops lc_ccl = {
	.init = (void *)lc_ccl_init,
	.ssthresh = (void *)lc_cc_ssthresh,
	.cong_avoid = (void *)lc_cc_cong_avoid,
	.undo_cwnd = (void *)lc_cc_undo_cwnd,
	.name = "lc_ccl",
};

SEC(".struct_ops")
struct tcp_congestion_ops lc_ccm = {
	.init = (void *)lc_ccm_init,
	.ssthresh = (void *)lc_cc_ssthresh,
	.cong_avoid = (void *)lc_cc_cong_avoid,
	.undo_cwnd = (void *)lc_cc_undo_cwnd,
	.name = "lc_ccm",
};
