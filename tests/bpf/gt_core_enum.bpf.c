// Ground truth, cgroup-aware accounting that reads a controller's css through the kernel's own enum value
// (bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id): the index depends on the kernel's config) and asks
// for the size of task_struct.comm and the existence of a type. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 memcg_ptr;
__u32 comm_size;
bool has_cgroup_v1_fields;

SEC("tp/sched/sched_process_fork")
int on_fork(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);

	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id) && id >= 0 && id < 16)
		memcg_ptr = (u64)BPF_CORE_READ(t, cgroups, subsys[id]);
	comm_size = bpf_core_field_size(t->comm);
	has_cgroup_v1_fields = bpf_core_type_exists(struct cgroup_root);
	return 0;
}
