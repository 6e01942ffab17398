// Ground truth, a mistake real tools make: a raw tracepoint calling a helper only socket programs may use
// (bpf_skb_load_bytes). Every kernel knows the helper, every kernel refuses it to raw_tp programs.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u8 first_bytes[4];

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(peek_skb, struct sk_buff *skb)
{
	bpf_skb_load_bytes(skb, 0, first_bytes, sizeof(first_bytes));
	return 0;
}
