// Ground truth, a TCP congestion control in BPF (struct_ops tcp_congestion_ops, 5.6): a Reno clone written with
// plain arithmetic on tcp_sock fields. Loads on every kernel (registering it is attaching, not loading).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

SEC("struct_ops/gt_reno_ssthresh")
__u32 BPF_PROG(gt_reno_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops/gt_reno_cong_avoid")
void BPF_PROG(gt_reno_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->snd_cwnd < tp->snd_ssthresh)
		tp->snd_cwnd += acked;
	else if (++tp->snd_cwnd_cnt >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd++;
	}
}

SEC("struct_ops/gt_reno_undo_cwnd")
__u32 BPF_PROG(gt_reno_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops gt_reno = {
	.ssthresh = (void *)gt_reno_ssthresh,
	.cong_avoid = (void *)gt_reno_cong_avoid,
	.undo_cwnd = (void *)gt_reno_undo_cwnd,
	.name = "gt_reno",
};
