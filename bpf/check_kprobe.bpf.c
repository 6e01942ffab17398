// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kprobe on vfs_read, a global function present in every kernel since 2.6; counts the checking process's reads. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
__u64 hits = 0;

SEC("kprobe/vfs_read")
int on_vfs_read(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
