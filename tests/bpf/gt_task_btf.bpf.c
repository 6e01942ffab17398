// Ground truth, a tracer that walks the current task with BTF pointers: bpf_get_current_task_btf (5.11) in a BTF
// tracepoint, then task->mm->... read directly. Refused by 5.10, which lacks the helper.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 total_vm;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct mm_struct *mm = cur->mm;

	if (mm)
		total_vm += mm->total_vm;
	return 0;
}
