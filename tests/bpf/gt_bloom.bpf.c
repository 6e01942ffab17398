// Ground truth, a syscall filter with a bloom filter map (5.16) in front of a hash: refused by 5.10.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(value_size, sizeof(u32));
	__uint(max_entries, 1024);
	__uint(map_extra, 3);
} seen_pids SEC(".maps");

__u64 hits;

SEC("tracepoint/raw_syscalls/sys_enter")
int filter(struct trace_event_raw_sys_enter *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (bpf_map_peek_elem(&seen_pids, &pid) == 0)
		hits++;
	return 0;
}
