// Ground truth, a map walker with bpf_for_each_map_elem (5.13): a perf_event program sums a hash of per-pid
// counters through a callback. 5.10 has neither the helper nor callbacks (a subprogram's address as an
// instruction operand): refused there.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

__u64 total;

static long add_one(struct bpf_map *map, u32 *key, u64 *val, u64 *sum)
{
	*sum += *val;
	return 0;
}

SEC("perf_event")
int sum_counts(struct bpf_perf_event_data *ctx)
{
	u64 sum = 0;

	bpf_for_each_map_elem(&counts, add_one, &sum, 0);
	total = sum;
	return 0;
}
