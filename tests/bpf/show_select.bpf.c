// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loaded only by the selector tests, so "one match" stays one match while other tests run in parallel.
 * Both names are longer than the 15 characters the kernel keeps. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} show_selector_map_long SEC(".maps");

SEC("socket")
int show_selector_only_once(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&show_selector_map_long, &k);

	if (v)
		*v += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
