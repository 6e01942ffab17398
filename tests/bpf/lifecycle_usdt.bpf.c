// A USDT program for tests/lifecycle_usdt.rs: attached by `prog loadall ... autoattach` to probe lc_test:hit of
// the binary `lc_usdt_target` (found on PATH by libbpf), it counts hits in usdt_counts[0] and sums the probe's
// argument in usdt_counts[1], so a test proves both the attach and libbpf's argument decoding.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} usdt_counts SEC(".maps");

static __always_inline void add(__u32 slot, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&usdt_counts, &slot);
	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("usdt/lc_usdt_target:lc_test:hit")
int BPF_USDT(lc_usdt_hit, int i)
{
	add(0, 1);
	add(1, i);
	return 0;
}
