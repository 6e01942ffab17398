// Ground truth, a fault injector: fmod_ret on an LSM hook (security_* functions may have their return value
// changed) and on the openat syscall (syscalls are on the kernel's error-injection list). Loads where the kernel
// takes tracing programs other than BTF tracepoints (5.10, 6.1, 6.12).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile pid_t targ_pid = 0;
const volatile int inject_err = -1; /* -EPERM */

static __always_inline int decide(void)
{
	if (targ_pid && (bpf_get_current_pid_tgid() >> 32) == targ_pid)
		return inject_err;
	return 0;
}

SEC("fmod_ret/security_file_open")
int BPF_PROG(deny_open, struct file *file, int ret)
{
	return ret ? ret : decide();
}

SEC("fmod_ret/__x64_sys_openat")
int BPF_PROG(deny_openat, struct pt_regs *regs, int ret)
{
	return ret ? ret : decide();
}
