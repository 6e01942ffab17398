// Ground truth, ingress/egress classifiers in tcx sections (attach types BPF_TCX_INGRESS/EGRESS, 6.6). A sched_cls
// program loads on every kernel whatever its expected attach type; attaching through tcx needs 6.6.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define TC_ACT_UNSPEC -1

__u64 ingress_bytes, egress_bytes;

SEC("tcx/ingress")
int count_in(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&ingress_bytes, skb->len);
	return TC_ACT_UNSPEC;
}

SEC("tcx/egress")
int count_out(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_bytes, skb->len);
	return TC_ACT_UNSPEC;
}
