// Ground truth, a newer helper behind a run-time switch: bpf_ktime_get_coarse_ns (5.11) only when the loader sets
// `use_coarse` in .rodata. As compiled the switch is off, the verifier sees a constant false and never reaches the
// call: loads on every kernel (`prog loadall` keeps the object's .rodata).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool use_coarse = false;

__u64 last;

SEC("tp/sched/sched_process_exec")
int on_exec(void *ctx)
{
	last = use_coarse ? bpf_ktime_get_coarse_ns() : bpf_ktime_get_ns();
	return 0;
}
