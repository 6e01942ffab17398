// Ground truth, shared memory between BPF and user space in a BPF arena (map type from 6.9): 5.10 and 6.1 do not
// know the map type.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

__u64 ticks;

SEC("tp/sched/sched_process_fork")
int on_fork(void *ctx)
{
	ticks++;
	return 0;
}
