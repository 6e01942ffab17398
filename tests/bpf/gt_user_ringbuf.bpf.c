// Ground truth: BPF_MAP_TYPE_USER_RINGBUF came in 6.1. libbpf creates every map of the object at load, used or not,
// and 5.10 refuses the map type.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} gt_user_rb SEC(".maps");

SEC("raw_tp/sys_enter")
int gt_user_ringbuf(void *ctx)
{
	return 0;
}
