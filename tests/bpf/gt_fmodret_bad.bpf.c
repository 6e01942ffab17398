// Ground truth, fmod_ret on a function that is neither an LSM hook nor on the error-injection list: every kernel
// refuses it at load ("vfs_read() is not modifiable"), though the function is in every kernel's BTF.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fmod_ret/vfs_read")
int BPF_PROG(fail_reads, struct file *file, char *buf, size_t count, loff_t *pos, int ret)
{
	return ret;
}
