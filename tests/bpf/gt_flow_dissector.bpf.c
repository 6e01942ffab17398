// Ground truth, a flow dissector program (4.20) filling bpf_flow_keys for IPv4. Loads on every kernel.
#include "gt_tools.bpf.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;
	struct iphdr iph;

	if (keys->n_proto != bpf_htons(0x0800))
		return BPF_DROP;
	if (bpf_skb_load_bytes(skb, keys->nhoff, &iph, sizeof(iph)))
		return BPF_DROP;
	keys->ipv4_src = iph.saddr;
	keys->ipv4_dst = iph.daddr;
	keys->ip_proto = iph.protocol;
	keys->thoff = keys->nhoff + iph.ihl * 4;
	return BPF_OK;
}
