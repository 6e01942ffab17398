// Ground truth, a function-latency tool keyed by the probed address (bpf_get_func_ip in kprobes, 5.15): one kprobe
// program attached to many functions. Refused by 5.10 (no such helper).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} calls SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(on_call)
{
	static const u64 one = 1;
	u64 ip = bpf_get_func_ip(ctx), *n;

	n = gt_lookup_or_init(&calls, &ip, &one);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}
