// Ground truth, a program that tells BPF program files from others by comparing f_op with the address of
// bpf_prog_fops, an untyped __ksym libbpf reads from /proc/kallsyms. Loads where the symbol is in kallsyms
// (every kernel here).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const void bpf_prog_fops __ksym;

__u64 bpf_files;

SEC("iter/task_file")
int count_bpf_files(struct bpf_iter__task_file *ctx)
{
	struct file *file = ctx->file;

	if (file && file->f_op == &bpf_prog_fops)
		bpf_files++;
	return 0;
}
