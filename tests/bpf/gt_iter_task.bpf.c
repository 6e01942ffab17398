// Ground truth, a process lister as BPF iterators: iter/task prints one line per task, iter/task_file one per open
// file, both with bpf_seq_printf. task and task_file iterators exist since 5.8: loads on every kernel that takes
// iterator programs.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %s\n", task->tgid, task->comm);
	return 0;
}

SEC("iter/task_file")
int dump_task_file(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;

	if (!task || !file)
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %d %lx\n", task->tgid, ctx->fd, (long)file->f_op);
	return 0;
}
