// Ground truth, a memory-map dumper as a task_vma iterator (5.13): refused where the iterator target does not
// exist (5.10: no bpf_iter_task_vma in its BTF).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile pid_t targ_tgid = 0;

SEC("iter/task_vma")
int dump_vma(struct bpf_iter__task_vma *ctx)
{
	struct vm_area_struct *vma = ctx->vma;
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task || !vma)
		return 0;
	if (targ_tgid && task->tgid != targ_tgid)
		return 0;
	BPF_SEQ_PRINTF(seq, "%lx-%lx\n", vma->vm_start, vma->vm_end);
	return 0;
}
