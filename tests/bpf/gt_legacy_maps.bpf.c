// Ground truth, an old object: maps declared with `struct bpf_map_def SEC("maps")`, which libbpf 1.x no longer
// accepts. Refused everywhere by the loader, whatever the kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct bpf_map_def_legacy {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def_legacy counts SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(u32),
	.value_size = sizeof(u64),
	.max_entries = 1,
};

SEC("tp/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&counts, &zero);

	if (n)
		(*n)++;
	return 0;
}
