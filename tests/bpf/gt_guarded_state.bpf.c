// Ground truth: the same rename read portably. `__state` behind bpf_core_field_exists, the pre-5.14 `state` through a
// flavor in the other branch: one branch is poisoned on every kernel but dead, so the object loads everywhere.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

__u64 out;

SEC("raw_tp/sys_enter")
int gt_guarded_state(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->__state))
		out = BPF_CORE_READ(t, __state);
	else
		out = BPF_CORE_READ((struct task_struct___pre514 *)t, state);
	return 0;
}
