// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loaded by one test only (tests/habits_select.rs), so `name hb_select_sock` and `name hb_select_inner` each
 * match exactly one object while other tests run: a socket filter a prog array takes by name or tag, and the
 * inner map a map of maps takes by name. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hb_select_inner SEC(".maps");

/* Tail calls through a prog array a test fills by name (`map update ... value name hb_select_sock`). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} hb_select_jmp SEC(".maps");

SEC("socket")
int hb_select_sock(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hb_select_inner, &k);

	if (v)
		*v += 1;
	bpf_tail_call(skb, &hb_select_jmp, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
