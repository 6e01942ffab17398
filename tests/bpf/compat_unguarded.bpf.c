// Reads a field no kernel has, without a guard: libbpf poisons the read, the verifier rejects the program.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___compat_fake {
	int compat_no_such_field;
} __attribute__((preserve_access_index));

__u64 out;

SEC("raw_tp/sys_enter")
int compat_unguarded(void *ctx)
{
	struct task_struct___compat_fake *t = (void *)bpf_get_current_task();

	out = BPF_CORE_READ(t, compat_no_such_field);
	return 0;
}
