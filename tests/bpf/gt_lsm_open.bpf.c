// Ground truth, an LSM policy: lsm/file_open denies opens for one cgroup, lsm.s/bprm_committed_creds (a sleepable
// hook) records exec'd paths with bpf_d_path's sleepable sibling bpf_copy_from_user. Loads where the kernel takes
// LSM programs (5.10, 6.1, 6.12 booted with lsm=bpf), not this 6.18 build.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 denied_cgroup = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} execs SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(restrict_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	if (denied_cgroup && bpf_get_current_cgroup_id() == denied_cgroup)
		return -1;
	return 0;
}

SEC("lsm.s/bprm_committed_creds")
int BPF_PROG(record_exec, struct linux_binprm *bprm)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 when = bpf_ktime_get_ns();

	bpf_map_update_elem(&execs, &pid, &when, 0);
	return 0;
}
