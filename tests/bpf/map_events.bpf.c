// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Emits one event per getppid() of the process whose tgid is in `target`, to a ring buffer and a perf array. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u32 tgid;
	__u32 seq;
	__u64 magic;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

__u32 seq = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit(void *ctx)
{
	__u32 zero = 0, *want = bpf_map_lookup_elem(&target, &zero);
	struct event e = {};

	e.tgid = bpf_get_current_pid_tgid() >> 32;
	if (!want || *want != e.tgid)
		return 0;
	e.seq = seq++;
	e.magic = 0x0123456789abcdefULL;
	bpf_ringbuf_output(&ring, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
