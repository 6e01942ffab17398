// Ground truth, a classic socket filter with CO-RE-free packet access through bpf_skb_load_bytes and a per-protocol
// counter array. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, u64);
} proto_count SEC(".maps");

SEC("socket")
int count_protocols(struct __sk_buff *skb)
{
	u8 proto = 0;
	u32 key;
	u64 *n;

	if (bpf_skb_load_bytes(skb, 14 + 9, &proto, 1) < 0)
		return 0;
	key = proto;
	n = bpf_map_lookup_elem(&proto_count, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}
