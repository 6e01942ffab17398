// Ground truth, an XDP pipeline the way load balancers and firewalls build one: a program array whose slots the
// object fills itself (libbpf writes them after the load), a per-protocol stage reached by tail call, and a map of
// maps whose inner maps are declared in the object and placed in the outer slots. Loads on every kernel.
#include "gt_tools.bpf.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define GT_ETH_P_IP 0x0800
#define GT_IPPROTO_TCP 6
#define GT_IPPROTO_UDP 17

struct counters {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
};

struct counters tcp_counters SEC(".maps"), udp_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, u32);
	__array(values, struct counters);
} per_proto SEC(".maps") = {
	.values = { [0] = &tcp_counters, [1] = &udp_counters },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16);
	__type(key, u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 64);
		__type(key, u32);
		__type(value, u64);
	});
} per_tenant SEC(".maps");

int stage_tcp(struct xdp_md *ctx);
int stage_udp(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(u32));
	__array(values, int(struct xdp_md *));
} stages SEC(".maps") = {
	.values = { [0] = (void *)&stage_tcp, [1] = (void *)&stage_udp },
};

static __always_inline int count(u32 proto, struct xdp_md *ctx)
{
	u32 slot = (ctx->data_end - ctx->data) > 512;
	u32 ifindex = ctx->ingress_ifindex;
	u64 *n;
	void *inner = bpf_map_lookup_elem(&per_proto, &proto);

	if (!inner)
		return XDP_PASS;
	n = bpf_map_lookup_elem(inner, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	inner = bpf_map_lookup_elem(&per_tenant, &ifindex);
	if (inner) {
		n = bpf_map_lookup_elem(inner, &slot);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return XDP_PASS;
}

SEC("xdp")
int stage_tcp(struct xdp_md *ctx)
{
	return count(0, ctx);
}

SEC("xdp")
int stage_udp(struct xdp_md *ctx)
{
	return count(1, ctx);
}

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(GT_ETH_P_IP))
		return XDP_PASS;
	if (ip->protocol == GT_IPPROTO_TCP)
		bpf_tail_call(ctx, &stages, 0);
	else if (ip->protocol == GT_IPPROTO_UDP)
		bpf_tail_call(ctx, &stages, 1);
	return XDP_PASS;
}
