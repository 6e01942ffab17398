// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Ring buffer data path (5.8+): the checking process's getppid() calls, as events. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "check_common.h"

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_ident ident = {};

	if ((id >> 32) != target_tgid)
		return 0;
	ident.helper_pid = (__u32)id;
	ident.helper_tgid = id >> 32;
	bpf_get_current_comm(&ident.comm, sizeof(ident.comm));
	bpf_ringbuf_output(&ring, &ident, sizeof(ident), 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
