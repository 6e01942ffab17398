// Ground truth, per-task state in task local storage (map type and helpers from 5.11): a scheduler tracer keeps the
// wake-up time in the task itself instead of a pid-keyed hash. Refused by 5.10 (no such map type).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, u64);
} start SEC(".maps");

__u64 slow;

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeup, struct task_struct *p)
{
	u64 *ts = bpf_task_storage_get(&start, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u64 *ts = bpf_task_storage_get(&start, next, 0, 0);

	if (ts && bpf_ktime_get_ns() - *ts > 10000000)
		slow++;
	if (ts)
		bpf_task_storage_delete(&start, next);
	return 0;
}
