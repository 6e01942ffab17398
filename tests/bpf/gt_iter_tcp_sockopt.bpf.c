// Ground truth, bpftune's congestion-control probe: an iter/tcp program that asks each socket its congestion
// control with bpf_getsockopt(TCP_CONGESTION) and sets it with bpf_setsockopt. Iterators in general do not get
// these helpers; the tcp target's own helper list adds them (not on 5.10), so the load is refused on 5.10 and
// taken on 6.1 and later.
#include "gt_tools.bpf.h"

#define SOL_TCP 6
#define TCP_CONGESTION 13

char LICENSE[] SEC("license") = "GPL";

const volatile char wanted[16] = "cubic";
__u64 changed;

SEC("iter/tcp")
int set_congestion(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	char cc[16] = {};
	struct tcp_sock *tp;

	if (!skc)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	if (bpf_getsockopt(tp, SOL_TCP, TCP_CONGESTION, cc, sizeof(cc)))
		return 0;
	if (cc[0] == wanted[0] && cc[1] == wanted[1])
		return 0;
	if (!bpf_setsockopt(tp, SOL_TCP, TCP_CONGESTION, (void *)wanted, sizeof(wanted)))
		__sync_fetch_and_add(&changed, 1);
	return 0;
}
