// Ground truth: task_struct's `state` became `__state` in 5.14. An unguarded CO-RE read of `__state` resolves on 6.x
// and is poisoned on 5.10, where the verifier rejects the program.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out;

SEC("raw_tp/sys_enter")
int gt_state(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	out = BPF_CORE_READ(t, __state);
	return 0;
}
