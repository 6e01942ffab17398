// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A tcp_congestion_ops registered the older way (a .struct_ops map, no link) for `struct_ops dump`: its value
 * holds the ids of the programs behind each function pointer, which dump prints by name. Names (`hb_cc`) are
 * this test's alone. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
__u32 BPF_PROG(hb_cc_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops")
void BPF_PROG(hb_cc_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(hb_cc_undo_cwnd, struct sock *sk)
{
	return 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops hb_cc = {
	.ssthresh = (void *)hb_cc_ssthresh,
	.cong_avoid = (void *)hb_cc_cong_avoid,
	.undo_cwnd = (void *)hb_cc_undo_cwnd,
	.name = "hb_cc",
};
