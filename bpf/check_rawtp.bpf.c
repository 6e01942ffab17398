// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Raw tracepoint: counts the checking process's getppid() calls seen at sys_enter. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
/* getppid's syscall number, set by user space from the target's own table (110 on x86_64, 173 on arm64). */
const volatile __u64 nr_getppid = 0;
__u64 hits = 0;

SEC("raw_tracepoint/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	/* sys_enter(struct pt_regs *regs, long id) */
	if (ctx->args[1] == nr_getppid)
		__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
