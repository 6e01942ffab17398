// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the hostile-input tests load. `flood` writes a trace_pipe line and a ring-buffer record for every getppid()
 * of one process, chosen at load time the way a tool configures its programs (`--set target_tgid=PID` into
 * .rodata), and counts them in a map the test reads back. `keep` is a socket filter that keeps every packet. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fired SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int flood(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	__u64 *count;

	/* Unset (0) means nobody: a stray load must not flood every process's trace. */
	if (!target_tgid || tgid != target_tgid)
		return 0;
	count = bpf_map_lookup_elem(&fired, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	bpf_printk("ebpfctl hostile flood %u", tgid);
	bpf_ringbuf_output(&events, &tgid, sizeof(tgid), 0);
	return 0;
}

SEC("socket")
int keep(struct __sk_buff *skb)
{
	return skb->len;
}

/* Attached by the tests to a binary and symbol they name (`prog attach … uprobe BINARY SYMBOL`). */
SEC("uprobe")
int probe(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
