// A helper every kernel's BTF knows (bpf_xdp_adjust_head is in enum bpf_func_id since 4.10) called from a program
// type that may not use it: offline, BTF cannot tell; the running kernel refuses the load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("socket")
int helper_wrong_type(struct __sk_buff *skb)
{
	return bpf_xdp_adjust_head((struct xdp_md *)skb, 0) == 0;
}

char LICENSE[] SEC("license") = "GPL";
