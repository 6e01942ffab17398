// Ground truth, a mistake: a kprobe updating a map value under bpf_spin_lock. The verifier refuses spin locks in
// kprobe, tracepoint and perf_event programs on every kernel ("tracing progs cannot use bpf_spin_lock yet").
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct locked_stat {
	struct bpf_spin_lock lock;
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct locked_stat);
} stats SEC(".maps");

SEC("kprobe/vfs_write")
int BPF_KPROBE(count_write, struct file *file, const char *buf, size_t count)
{
	u32 zero = 0;
	struct locked_stat *s = bpf_map_lookup_elem(&stats, &zero);

	if (!s)
		return 0;
	bpf_spin_lock(&s->lock);
	s->count++;
	s->bytes += count;
	bpf_spin_unlock(&s->lock);
	return 0;
}
