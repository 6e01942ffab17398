// Ground truth: bpf_strncmp (BPF_FUNC_strncmp) came in 5.17 for every program type and takes no callback, so on 5.10
// the call itself is what the verifier refuses (gt_loop's bpf_loop is also refused there, but already for its
// callback: 5.10 cannot reference a subprogram by address).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const char want[8] = "ebpfctl";
char got[8];
__u64 out;

SEC("raw_tp/sys_enter")
int gt_strncmp(void *ctx)
{
	out = bpf_strncmp(got, sizeof(got), want);
	return 0;
}
