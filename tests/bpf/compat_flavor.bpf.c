// A renamed field handled with ___flavor structs: the old name is guarded, the new one (this kernel's) is read.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___compat_old {
	int compat_old_tgid;
} __attribute__((preserve_access_index));

struct task_struct___compat_new {
	int tgid;
} __attribute__((preserve_access_index));

__u64 out;

SEC("raw_tp/sys_enter")
int compat_flavor(void *ctx)
{
	void *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(((struct task_struct___compat_old *)t)->compat_old_tgid))
		out = BPF_CORE_READ((struct task_struct___compat_old *)t, compat_old_tgid);
	else
		out = BPF_CORE_READ((struct task_struct___compat_new *)t, tgid);
	return 0;
}
