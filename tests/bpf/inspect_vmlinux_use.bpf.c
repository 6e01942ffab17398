// Compiled against the vmlinux.h that `ebpfctl btf dump file /sys/kernel/btf/vmlinux format c` generates (the test
// puts that header first on the include path): the header must be usable for CO-RE programs as bpftool's is.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Layouts the header must reproduce: a one-byte enum stays one byte (bpftool 7.1 loses this). */
_Static_assert(sizeof(enum rw_hint) == 1, "enum rw_hint is one byte in BTF");
_Static_assert(sizeof(struct list_head) == 16, "struct list_head");

SEC("tp_btf/sched_switch")
int uses_kernel_types(u64 *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ(task, real_parent, tgid) + bpf_core_type_size(struct sk_buff);
}
