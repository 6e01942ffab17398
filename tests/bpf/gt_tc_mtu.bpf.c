// Ground truth, a tc egress program that checks the route MTU with bpf_check_mtu (5.12) and forwards with
// bpf_redirect_neigh (5.10) after a FIB lookup. Refused by 5.10 (no bpf_check_mtu).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define AF_INET 2

const volatile __u32 out_ifindex = 0;

SEC("tc")
int tc_forward(struct __sk_buff *skb)
{
	struct bpf_fib_lookup fib = {};
	__u32 mtu_len = 0;

	if (bpf_check_mtu(skb, out_ifindex, &mtu_len, 0, 0))
		return TC_ACT_SHOT;
	fib.family = AF_INET;
	fib.ifindex = skb->ingress_ifindex;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) != 0)
		return TC_ACT_OK;
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);
}
