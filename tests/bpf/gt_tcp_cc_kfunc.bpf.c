// Ground truth, a congestion control that reuses the kernel's Reno through kfuncs (tcp_reno_ssthresh and friends,
// callable from tcp_congestion_ops programs since 5.13). The functions are in 5.10's BTF, but 5.10 cannot call
// kernel functions from BPF at all: refused there, loads on 6.x.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

SEC("struct_ops/kf_ssthresh")
__u32 BPF_PROG(kf_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/kf_cong_avoid")
void BPF_PROG(kf_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/kf_undo_cwnd")
__u32 BPF_PROG(kf_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops gt_kreno = {
	.ssthresh = (void *)kf_ssthresh,
	.cong_avoid = (void *)kf_cong_avoid,
	.undo_cwnd = (void *)kf_undo_cwnd,
	.name = "gt_kreno",
};
