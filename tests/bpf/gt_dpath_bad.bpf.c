// Ground truth, bpf_d_path from an fentry program on a function outside the kernel's d_path allow list (vfs_write):
// the helper exists for tracing programs, but every kernel refuses it at this attach point.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

char last_path[128];

SEC("fentry/vfs_write")
int BPF_PROG(on_write, struct file *file)
{
	bpf_d_path(&file->f_path, last_path, sizeof(last_path));
	return 0;
}
