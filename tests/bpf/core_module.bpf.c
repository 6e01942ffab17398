// A tracer that reads the kernel's task_struct and one kernel module's own struct, both through CO-RE: the way a
// tool written for a driver's state does. The module's type exists only in that module's split BTF, so the
// object relocates against vmlinux + module BTF (compat --btf mod.ko), or a custom BTF that carries both
// (prog load ... kernel_btf FILE), never against vmlinux alone.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct ebpfctl_mod_state {
	int depth;
} __attribute__((preserve_access_index));

// Where the module keeps its state: written by user space once it finds it (a variable, so the verifier cannot
// prove the read dead and a missing type's poisoned read stays a load error).
__u64 mod_state_addr;

__u32 last_pid;
int last_depth;

SEC("raw_tp/sys_enter")
int core_task_pid(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	// A custom BTF may be cut down to what some other tool needs: without pid, the read is dropped, not poisoned.
	if (bpf_core_field_exists(t->pid))
		last_pid = BPF_CORE_READ(t, pid);
	return 0;
}

SEC("raw_tp/sys_enter")
int core_mod_depth(void *ctx)
{
	struct ebpfctl_mod_state *s = (void *)mod_state_addr;

	if (s)
		last_depth = BPF_CORE_READ(s, depth);
	return 0;
}
