// Ground truth: bpf_loop came in 5.17 (BPF_FUNC_loop): unknown to 5.10. The 5.10 verifier refuses the program
// before it reaches the call, at the callback (a subprogram referenced by address, 5.13); gt_strncmp is the clean
// case of an unknown helper.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out;

static long step(__u32 i, void *ctx)
{
	out += i;
	return 0;
}

SEC("raw_tp/sys_enter")
int gt_loop(void *ctx)
{
	bpf_loop(4, step, NULL, 0);
	return 0;
}
