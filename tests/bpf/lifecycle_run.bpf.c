// A program for `prog run`: flips the first byte of the packet and returns its old value + 1 as the verdict
// source, so the test can check data_out and retval against what it sent.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int lc_run(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;

	if (data + 1 > end)
		return XDP_ABORTED;
	data[0] = ~data[0];
	return XDP_TX;
}
