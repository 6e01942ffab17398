// One CO-RE relocation of every kind libbpf knows, through bpf_core_read.h's macros.
// tests/inspect_objects.rs expects exactly these kinds and access specs in `ebpfctl inspect FILE relocs`.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[16];

SEC("raw_tp/sys_enter")
int core_all_kinds(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	out[0] = BPF_CORE_READ(task, real_parent, tgid);              /* byte_off (x2) */
	out[1] = bpf_core_field_size(task->comm);                     /* byte_sz */
	out[2] = bpf_core_field_exists(task->tgid);                   /* field_exists */
	out[3] = __builtin_preserve_field_info(task->tgid, BPF_FIELD_SIGNED); /* signed */
	out[4] = BPF_CORE_READ_BITFIELD_PROBED(task, sched_reset_on_fork); /* byte_off, byte_sz, lshift, rshift, signed */
	out[5] = bpf_core_type_id_local(struct task_struct);          /* local_type_id */
	out[6] = bpf_core_type_id_kernel(struct task_struct);         /* target_type_id */
	out[7] = bpf_core_type_exists(struct task_struct);            /* type_exists */
	out[8] = bpf_core_type_matches(struct task_struct);           /* type_matches */
	out[9] = bpf_core_type_size(struct task_struct);              /* type_size */
	out[10] = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID); /* enumval_exists */
	out[11] = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);   /* enumval_value */
	return 0;
}
