// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A spread of program and map types for `prog/map/link show` tests: every program is small and attachable on
 * this kernel (no kprobes, no fentry). Names longer than 15 characters exercise the full-name-from-BTF path. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* Read by `prog show` as "metadata": {"label": "show-fixture", "answer": 42} */
volatile const char bpf_metadata_label[] SEC(".rodata") = "show-fixture";
volatile const int bpf_metadata_answer SEC(".rodata") = 42;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} show_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} show_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} show_percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} show_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} show_jmp SEC(".maps");

struct show_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} show_inner_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct show_inner);
} show_outer SEC(".maps") = {
	.values = { &show_inner_map },
};

static __always_inline void count(__u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&show_hash, &key);

	if (!v)
		bpf_map_update_elem(&show_hash, &key, &one, BPF_ANY);
	else
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int show_xdp_pass_long_name(struct xdp_md *ctx)
{
	__u32 k = 0, *inner = bpf_map_lookup_elem(&show_outer, &k);

	if (inner)
		count(bpf_metadata_answer);
	bpf_tail_call(ctx, &show_jmp, 0);
	return XDP_PASS;
}

SEC("socket")
int show_sock(struct __sk_buff *skb)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&show_percpu, &k);

	if (v)
		*v += skb->len;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int show_tp(void *ctx)
{
	__u64 *slot = bpf_ringbuf_reserve(&show_ring, sizeof(__u64), 0);

	if (slot) {
		*slot = bpf_get_current_pid_tgid();
		bpf_ringbuf_submit(slot, 0);
	}
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int show_rawtp(void *ctx)
{
	__u32 k = 2;
	__u64 *v = bpf_map_lookup_elem(&show_array, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("cgroup_skb/egress")
int show_cg_egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("tcx/ingress")
int show_tcx(struct __sk_buff *skb)
{
	return TCX_NEXT;
}

SEC("sk_lookup")
int show_sk_lookup(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

SEC("uprobe")
int show_uprobe(void *ctx)
{
	count(3);
	return 0;
}

SEC("uprobe.multi")
int show_umulti(void *ctx)
{
	count(4);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
