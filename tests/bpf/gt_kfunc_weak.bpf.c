// Ground truth, optional kfuncs: bpf_rcu_read_lock/unlock (6.2) declared __weak and called only behind
// bpf_ksym_exists(), as tools do to run on older kernels. libbpf leaves missing weak kfuncs unresolved and the
// guard makes their calls dead code: loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;

__u64 parent_pid;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (bpf_ksym_exists(bpf_rcu_read_lock)) {
		bpf_rcu_read_lock();
		parent_pid = BPF_CORE_READ(p, real_parent, tgid);
		bpf_rcu_read_unlock();
	} else {
		parent_pid = BPF_CORE_READ(p, real_parent, tgid);
	}
	return 0;
}
