// Ground truth, bpf_d_path where the kernel allows it: the file_open LSM hook. Loads where LSM programs load.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

char last_path[128];

SEC("lsm/file_open")
int BPF_PROG(on_open, struct file *file)
{
	bpf_d_path(&file->f_path, last_path, sizeof(last_path));
	return 0;
}
