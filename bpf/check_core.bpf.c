// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Tracepoint data path: CO-RE reads of task_struct, delivered through a hash map and a perf buffer. The ring buffer
 * has an object of its own (check_ringbuf) so that a kernel without it (< 5.8) still runs this one. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "check_common.h"

/* Set by user space before load: only the checking process is recorded. */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct task_ident);
} idents SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct task_ident ident = {};
	__u32 key;

	if ((id >> 32) != target_tgid)
		return 0;
	/* bpf_get_current_task() rather than the BTF variant: the latter needs 5.11, the matrix starts at 5.10. */
	task = (struct task_struct *)bpf_get_current_task();
	ident.pid = BPF_CORE_READ(task, pid);
	ident.tgid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&ident.comm, task, comm);
	ident.helper_pid = (__u32)id;
	ident.helper_tgid = id >> 32;
	key = ident.helper_pid;
	bpf_map_update_elem(&idents, &key, &ident, BPF_ANY);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ident, sizeof(ident));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
