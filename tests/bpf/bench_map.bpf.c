// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The map of the dump benchmark (issue: u32 -> struct { u64, u64, char[16] } with BTF), sized for 1M entries. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct bench_flow {
	__u64 packets;
	__u64 bytes;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1048576);
	__type(key, __u32);
	__type(value, struct bench_flow);
} bench_flows SEC(".maps");

SEC("socket")
int bench_touch(struct __sk_buff *skb)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&bench_flows, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
