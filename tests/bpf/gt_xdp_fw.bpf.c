// Ground truth, an XDP firewall: an LPM trie of blocked prefixes, per-CPU drop counters, a devmap for redirects and
// bpf_xdp_adjust_head to strip an encapsulation. Loads on every kernel.
#include "gt_tools.bpf.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct lpm_key);
	__type(value, u32);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u32);
} tx_ports SEC(".maps");

const volatile __u32 redirect_port = 0;
const volatile bool strip_outer = false;

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct lpm_key key;
	u32 idx = 0;
	u64 *cnt;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	key.prefixlen = 32;
	key.addr = ip->saddr;
	if (bpf_map_lookup_elem(&blocked, &key)) {
		idx = 1;
		cnt = bpf_map_lookup_elem(&stats, &idx);
		if (cnt)
			*cnt += 1;
		return XDP_DROP;
	}
	if (strip_outer && bpf_xdp_adjust_head(ctx, (int)sizeof(struct iphdr)))
		return XDP_ABORTED;
	if (redirect_port)
		return bpf_redirect_map(&tx_ports, redirect_port, XDP_PASS);
	return XDP_PASS;
}
