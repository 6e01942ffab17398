// Ground truth, a profiler's unwind tables the way lightswitch keeps them: a hash of maps whose definition names no
// inner map (the loader creates each inner array and hands the template over with bpf_map__set_inner_map_fd).
// Loaded as compiled, libbpf passes no inner map fd and every kernel refuses the outer map.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 1000);
	__type(key, u64);
	__type(value, u32);
} unwind_tables SEC(".maps");

__u64 missing;

SEC("perf_event")
int sample(void *ctx)
{
	u64 executable = bpf_get_current_pid_tgid() >> 32;
	void *table = bpf_map_lookup_elem(&unwind_tables, &executable);

	if (!table)
		missing++;
	return 0;
}
