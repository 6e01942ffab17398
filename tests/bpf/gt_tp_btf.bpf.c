// Ground truth: the block_io_start tracepoint came in 6.5: its btf_trace_block_io_start typedef is in 6.12's BTF,
// not in 6.1's or 5.10's.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/block_io_start")
int gt_tp_btf(void *ctx)
{
	return 0;
}
