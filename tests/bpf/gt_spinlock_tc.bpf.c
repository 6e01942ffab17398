// Ground truth, the same counters under bpf_spin_lock from a tc classifier, where spin locks are allowed (5.1):
// loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct locked_stat {
	struct bpf_spin_lock lock;
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct locked_stat);
} stats SEC(".maps");

SEC("tc")
int count_pkts(struct __sk_buff *skb)
{
	u32 zero = 0;
	struct locked_stat *s = bpf_map_lookup_elem(&stats, &zero);

	if (!s)
		return 0;
	bpf_spin_lock(&s->lock);
	s->count++;
	s->bytes += skb->len;
	bpf_spin_unlock(&s->lock);
	return 0;
}
