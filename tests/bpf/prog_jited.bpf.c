// Programs for `prog dump jited` and `visual`: an XDP parser split into several functions the way real tools split
// one (static and global bpf-to-bpf calls, a bpf_loop callback, per-protocol counters in a map, a .rodata knob and
// a .bss total), a socket filter with early returns (several `exit`s in one function), and a checksum unrolled
// into ~4,000 instructions, the size the jited dump's speed is measured at.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} pj_protocols SEC(".maps");

/* Drop packets of this IP protocol (0: none); set with --set drop_proto=N. */
const volatile __u8 drop_proto = 0;
__u64 pj_seen = 0;

static __noinline int pj_count(__u32 proto)
{
	__u64 *n = bpf_map_lookup_elem(&pj_protocols, &proto);

	if (!n)
		return -1;
	*n += 1;
	return 0;
}

/* The IPv4 or IPv6 next-header byte, or -1 when the header is cut short. */
static __noinline int pj_l4_proto(void *l3, void *end, __u16 eth_proto)
{
	if (eth_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > end)
			return -1;
		return ip->protocol;
	}
	if (eth_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return -1;
		return ip6->nexthdr;
	}
	return 0;
}

/* A global function: the verifier checks it once, on its own, from its BTF prototype. */
__noinline int pj_verdict(int proto)
{
	if (proto < 0)
		return XDP_ABORTED;
	if (drop_proto && proto == drop_proto)
		return XDP_DROP;
	return XDP_PASS;
}

static long pj_tick(__u32 index, void *ctx)
{
	__sync_fetch_and_add(&pj_seen, 1);
	return 0;
}

SEC("xdp")
int pj_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	int proto;

	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	proto = pj_l4_proto(eth + 1, end, eth->h_proto);
	if (proto >= 0)
		pj_count(proto);
	bpf_loop(1, pj_tick, NULL, 0);
	return pj_verdict(proto);
}

/* Early returns: the verdict for each case is its own `exit` in the translated program. */
SEC("socket")
int pj_filter(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	if (len < 14)
		return 0;
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return len > 1280 ? 1280 : len;
	if (skb->pkt_type == 1 /* PACKET_BROADCAST */)
		return 0;
	if (len > 1500)
		return 1500;
	return -1;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[3200]);
} pj_scratch SEC(".maps");

/* The ones'-complement sum of a 3200-byte buffer, fully unrolled: straight-line code of ~4,000 instructions. The
 * empty asm keeps each step in order, as a register-starved unrolled loop needs (else clang spills past the stack). */
SEC("socket")
int pj_unrolled(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u8 *buf = bpf_map_lookup_elem(&pj_scratch, &key);
	__u64 sum = 0;

	if (!buf)
		return 0;
#pragma unroll
	for (int i = 0; i < 3200; i += 2) {
		sum += (__u64)buf[i] << 8 | buf[i + 1];
		asm volatile("" : "+r"(sum));
	}
#pragma unroll
	for (int i = 0; i < 4; i++)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}
