// Ground truth, a function counter with a multi-kprobe (one program on many functions; the attach type came in
// 5.18) and a plain kprobe fallback. A kprobe program is loaded without its targets, so this loads everywhere;
// attaching the multi-kprobe needs kernel support that 5.10 and Debian's 6.1 lack.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} calls SEC(".maps");

static __always_inline int count(void)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&calls, &zero);

	if (n)
		*n += 1;
	return 0;
}

SEC("kprobe.multi/vfs_*")
int count_multi(struct pt_regs *ctx)
{
	return count();
}

SEC("kprobe/vfs_read")
int count_single(struct pt_regs *ctx)
{
	return count();
}
