// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A map definition with an attribute this libbpf does not know, as objects built for another loader carry
 * (here a batch-size hint that loader reads from the BTF map definition). libbpf refuses it unless opened with
 * relaxed_maps: bpftool's and ebpfctl's -m/--mapcompat. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
	__uint(batch_hint, 16);
} hb_compat_map SEC(".maps");

SEC("socket")
int hb_compat_sock(struct __sk_buff *skb)
{
	__u32 k = skb->len;
	__u64 one = 1, *v = bpf_map_lookup_elem(&hb_compat_map, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&hb_compat_map, &k, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
