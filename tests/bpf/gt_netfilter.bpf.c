// Ground truth, a netfilter hook program (BPF_PROG_TYPE_NETFILTER, 6.4): 5.10 and 6.1 do not know the program type.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NF_ACCEPT 1

__u64 seen;

SEC("netfilter")
int nf_count(struct bpf_nf_ctx *ctx)
{
	if (ctx->skb)
		seen++;
	return NF_ACCEPT;
}
