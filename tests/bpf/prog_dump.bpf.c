// Programs for `prog dump`: a map lookup and update (ld_imm64 map references, helper calls), a bpf-to-bpf call
// into a non-inlined subprogram, and line info from -g, so every kind of xlated line has a case.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pd_counts SEC(".maps");

static __noinline int pd_bump(__u32 key, __u64 add)
{
	__u64 *v = bpf_map_lookup_elem(&pd_counts, &key);

	if (!v)
		return -1;
	__sync_fetch_and_add(v, add);
	return (int)(*v & 0xff);
}

SEC("xdp")
int pd_main(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	__u64 big = 0x1122334455667788ULL;
	__u32 k = 1;

	if (data + 2 > end)
		return XDP_ABORTED;
	if (pd_bump(data[0] & 3, data[1]) < 0)
		return XDP_DROP;
	bpf_map_update_elem(&pd_counts, &k, &big, BPF_ANY);
	return (bpf_get_prandom_u32() & 1) ? XDP_PASS : XDP_TX;
}

SEC("tc")
int pd_plain(struct __sk_buff *skb)
{
	__s32 x = skb->len;

	x = (x << 3) >> 2;
	x = -x;
	x /= 3;
	x %= 7;
	return x > 100 ? 1 : (skb->protocol == 8 ? 2 : 0);
}
