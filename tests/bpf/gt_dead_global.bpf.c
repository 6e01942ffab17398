// Ground truth: a tool that keeps its pre-5.14 path in a global function and calls it only behind a CO-RE guard.
// The function reads task_struct::state, which 5.14 renamed, so libbpf poisons that read on 5.14 and later. Kernels
// before 6.8 verify every global function of a program on its own, called or not: 5.10 loads it (the field is
// there), 6.1 refuses it. From 6.8 a global function is verified only when a reached call enters it: 6.12 loads it.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 last_state;

__noinline __u64 gt_old_state(__u64 task)
{
	struct task_struct *t = (void *)task;

	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

SEC("raw_tp/sched_switch")
int gt_dead_global(void *ctx)
{
	__u64 task = bpf_get_current_task();
	struct task_struct *t = (void *)task;

	if (bpf_core_field_exists(t->__state))
		last_state = BPF_CORE_READ(t, __state);
	else
		last_state = gt_old_state(task);
	return 0;
}
