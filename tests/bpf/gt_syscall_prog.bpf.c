// Ground truth, a loader program (BPF_PROG_TYPE_SYSCALL, 5.14) that creates a map through bpf_sys_bpf, as light
// skeletons do. 5.10 does not know the program type.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct args {
	__u32 max_entries;
	int map_fd;
};

SEC("syscall")
int make_map(struct args *ctx)
{
	union bpf_attr attr = {};

	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = ctx->max_entries;
	ctx->map_fd = bpf_sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	return 0;
}
