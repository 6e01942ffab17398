// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Programs run with BPF_PROG_TEST_RUN: no attachment, only the verifier, the JIT and the test-run path. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IPV4 0x0800

/* XDP_PASS for IPv4 frames, XDP_DROP for the rest, XDP_ABORTED for runts. */
SEC("xdp")
int xdp_classify(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	return eth->h_proto == bpf_htons(ETH_P_IPV4) ? XDP_PASS : XDP_DROP;
}

/* A socket filter returns how many bytes to keep: all of them. */
SEC("socket")
int socket_keep_all(struct __sk_buff *skb)
{
	return skb->len;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
