// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `prog top`'s rate fixture: counts the calls of one rare syscall, sched_get_priority_min(2), which nothing on a
 * normal box calls in a loop, so the program's run_cnt is the test's own calls. The loader keeps one of two
 * alternatives for the hook: the syscall tracepoint where tracefs has it (CONFIG_FTRACE_SYSCALLS), else
 * raw_tp/sys_enter filtered by syscall number (which runs for every syscall: its run_cnt is not the test's). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* Set by the loader before load; the only .rodata variable, so the loader finds it at offset 0. */
const volatile __u32 target_tgid = 0; /* 0: calls from every process */

/* __NR_sched_get_priority_min, for the raw_tp alternative (which sees syscall numbers, not names). */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR 147
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR 126
#endif

/* Calls seen from target_tgid, and the policy argument of the last one. */
__u64 hits = 0;
__u64 last_policy = 0;

/* Calls per thread; max_entries is set by the loader to the number of threads it will run. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} per_thread SEC(".maps");

static __always_inline int count_call(__u64 policy)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 one = 1, *n;

	if (target_tgid && (pid_tgid >> 32) != target_tgid)
		return 0;
	n = bpf_map_lookup_elem(&per_thread, &tid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_thread, &tid, &one, BPF_NOEXIST);
	__sync_fetch_and_add(&hits, 1);
	last_policy = policy;
	return 0;
}

SEC("tp/syscalls/sys_enter_sched_get_priority_min")
int top_rate_tp(struct trace_event_raw_sys_enter *ctx)
{
	__u64 policy = 0;

	/* The args array of the syscall tracepoint record; guarded so an unusual layout loads and counts anyway. */
	if (bpf_core_field_exists(ctx->args))
		policy = BPF_CORE_READ(ctx, args[0]);
	return count_call(policy);
}

SEC("raw_tp/sys_enter")
int top_rate_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	if (ctx->args[1] != SYSCALL_NR)
		return 0;
	return count_call(PT_REGS_PARM1_CORE_SYSCALL(regs));
}

char LICENSE[] SEC("license") = "GPL";
