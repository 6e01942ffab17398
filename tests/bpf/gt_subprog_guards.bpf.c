// Ground truth: guards the verifier follows where a per-function reading of the code cannot. A static helper
// function told by its caller which layout the kernel has (the verifier checks a static function in its caller's
// state, so the constant argument rules out one side inside it), a flag the compiler keeps on the stack (a
// `volatile` local here; register pressure does the same in long functions), and a callback of bpf_loop that is
// never passed where the guard is false. Each dead side reads a field this kernel's task_struct lacks; the object
// loads on every kernel from 5.17 (bpf_loop).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct task_struct___gt_never {
	int gt_never_there;
} __attribute__((preserve_access_index));

__u64 seen[4];

static __noinline __u64 task_state(struct task_struct *t, int renamed)
{
	if (renamed)
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

static int never_looped(__u32 i, void *data)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen[3] += BPF_CORE_READ((struct task_struct___gt_never *)t, gt_never_there);
	return 0;
}

SEC("raw_tp/sched_switch")
int gt_subprog_guards(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	volatile int has_never = bpf_core_field_exists(((struct task_struct___gt_never *)t)->gt_never_there);

	seen[0] = task_state(t, bpf_core_field_exists(t->__state));
	seen[1] = BPF_CORE_READ(t, pid);
	if (has_never)
		seen[2] = BPF_CORE_READ((struct task_struct___gt_never *)t, gt_never_there);
	if (bpf_core_field_exists(((struct task_struct___gt_never *)t)->gt_never_there))
		bpf_loop(4, never_looped, NULL, 0);
	return 0;
}
