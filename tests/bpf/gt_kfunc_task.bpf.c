// Ground truth, a task inspector with task kfuncs: bpf_task_from_pid and bpf_task_release (6.2/6.3) from a BTF
// tracepoint. Not in 5.10's or 6.1's BTF: refused there.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

const volatile pid_t watched = 1;
__u64 watched_vm;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *t = bpf_task_from_pid(watched);

	if (!t)
		return 0;
	watched_vm = t->nvcsw;
	bpf_task_release(t);
	return 0;
}
