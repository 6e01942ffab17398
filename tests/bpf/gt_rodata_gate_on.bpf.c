// Ground truth, the same switch compiled on: the verifier walks bpf_ktime_get_coarse_ns (5.11), so 5.10 refuses it.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool use_coarse = true;

__u64 last;

SEC("tp/sched/sched_process_exec")
int on_exec(void *ctx)
{
	last = use_coarse ? bpf_ktime_get_coarse_ns() : bpf_ktime_get_ns();
	return 0;
}
