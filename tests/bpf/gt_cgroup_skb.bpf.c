// Ground truth, per-cgroup traffic accounting: cgroup_skb ingress and egress programs keyed by socket cookie and
// cgroup id, with a byte budget in .rodata. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 budget = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u64);
} bytes SEC(".maps");

static __always_inline int account(struct __sk_buff *skb)
{
	u64 cg = bpf_skb_cgroup_id(skb), len = skb->len, *b;

	b = gt_lookup_or_init(&bytes, &cg, &len);
	if (!b)
		return 1;
	__sync_fetch_and_add(b, len);
	return budget && *b > budget ? 0 : 1;
}

SEC("cgroup_skb/ingress")
int ingress(struct __sk_buff *skb)
{
	return account(skb);
}

SEC("cgroup_skb/egress")
int egress(struct __sk_buff *skb)
{
	bpf_get_socket_cookie(skb);
	return account(skb);
}
