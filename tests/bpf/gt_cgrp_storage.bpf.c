// Ground truth: BPF_MAP_TYPE_CGRP_STORAGE came in 6.2: refused by 5.10 and 6.1, created by 6.12 and later.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} gt_cgrp_store SEC(".maps");

SEC("raw_tp/sys_enter")
int gt_cgrp_storage(void *ctx)
{
	return 0;
}
