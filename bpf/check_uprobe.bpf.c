// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Uprobe on a function inside ebpfctl itself: records the first argument it was called with, read from the
 * architecture's first argument register (PT_REGS_PARM1: rdi on x86_64, x0 on arm64). */
#include "vmlinux.h"
#include "target_regs.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 seen_arg = 0;
__u64 hits = 0;

SEC("uprobe")
int BPF_UPROBE(on_probe_target, __u64 magic)
{
	seen_arg = magic;
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
