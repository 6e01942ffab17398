// A program the verifier must reject: it reads through a NULL pointer.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int lc_good(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int lc_bad_read(struct xdp_md *ctx)
{
	volatile int *p = (volatile int *)0;
	return *p;
}
