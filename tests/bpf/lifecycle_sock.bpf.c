// Programs for the socket, flow dissector and netfilter lifecycle tests, each counting its runs in
// `sock_counts[slot]`; `sock_map` and `sock_hash` are what the sk_msg/sk_skb programs attach to.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum slot {
	SLOT_SK_MSG = 0,
	SLOT_PARSER = 1,
	SLOT_VERDICT = 2,
	SLOT_FLOW = 3,
	SLOT_NF = 4,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} sock_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sock_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sock_hash SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&sock_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("sk_msg")
int lc_sk_msg(struct sk_msg_md *msg)
{
	bump(SLOT_SK_MSG);
	return SK_PASS;
}

SEC("sk_skb/stream_parser")
int lc_sk_parser(struct __sk_buff *skb)
{
	bump(SLOT_PARSER);
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int lc_sk_verdict(struct __sk_buff *skb)
{
	bump(SLOT_VERDICT);
	return SK_PASS;
}

/* BPF_FLOW_DISSECTOR_CONTINUE (6.1+): count, then let the kernel's own dissector do the work. */
SEC("flow_dissector")
int lc_flow(struct __sk_buff *skb)
{
	bump(SLOT_FLOW);
	return 129;
}

SEC("netfilter")
int lc_nf(struct bpf_nf_ctx *ctx)
{
	bump(SLOT_NF);
	return 1; /* NF_ACCEPT */
}
