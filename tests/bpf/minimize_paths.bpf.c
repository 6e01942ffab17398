// CO-RE accesses that exercise `btf minimize` beyond the compat fixtures: a member reached through anonymous
// unions/structs, an array element, a type that matches (so everything the match compares must be kept), an
// enumerator among several, and a type that only has to exist.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

SEC("raw_tp/sys_enter")
int minimize_paths(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	/* Only ever read through bpf_probe_read_kernel: any address will do. */
	struct sk_buff *skb = (void *)task;
	char c = 0;

	out[0] = (__u64)BPF_CORE_READ(skb, dev);
	bpf_core_read(&c, 1, &task->comm[3]);
	out[1] = c;
	out[2] = bpf_core_type_matches(struct list_head);
	out[3] = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	out[4] = bpf_core_type_exists(struct bpf_map);
	out[5] = bpf_core_field_size(skb->len);
	return 0;
}
