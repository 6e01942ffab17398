// Ground truth: fentry on do_tcp_setsockopt, a function of its own since 5.13 (folded into tcp_setsockopt before):
// absent from 5.10's BTF, present in 6.1 and later.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/do_tcp_setsockopt")
int gt_fentry_new(void *ctx)
{
	return 0;
}
