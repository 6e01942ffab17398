// Ground truth, a block I/O latency histogram: block_rq_{insert,issue,complete} as BTF tracepoints and as raw
// tracepoints (the loader keeps one set), the request's disk read through the 5.17 move, the tracepoint argument
// order chosen at run time from LINUX_KERNEL_VERSION (5.11 dropped the queue argument), a cgroup filter map and a
// histogram map. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern int LINUX_KERNEL_VERSION __kconfig;

const volatile bool filter_cg = false;
const volatile bool targ_per_disk = false;
const volatile bool targ_queued = false;
const volatile bool targ_ms = false;

struct hist_key {
	__u32 dev;
	__u32 cmd_flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, u32);
	__type(value, u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct hist_key);
	__type(value, struct gt_hist);
} hists SEC(".maps");

static struct gt_hist zero;

static __always_inline int trace_rq_start(struct request *rq, bool issue)
{
	u64 ts;

	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return 0;
	if (issue && targ_queued && BPF_CORE_READ(rq, q, elevator))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &rq, &ts, 0);
	return 0;
}

static __always_inline int handle_insert(u64 *ctx, bool issue)
{
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		return trace_rq_start((void *)ctx[1], issue);
	return trace_rq_start((void *)ctx[0], issue);
}

static __always_inline int handle_complete(struct request *rq)
{
	struct hist_key key = {};
	struct gt_hist *h;
	u64 *tsp;
	s64 delta;

	tsp = bpf_map_lookup_elem(&start, &rq);
	if (!tsp)
		return 0;
	delta = (s64)(bpf_ktime_get_ns() - *tsp);
	if (delta < 0)
		goto cleanup;
	if (targ_per_disk) {
		struct gendisk *disk = gt_rq_disk(rq);

		key.dev = disk ? GT_MKDEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor)) : 0;
	}
	h = gt_lookup_or_init(&hists, &key, &zero);
	if (!h)
		goto cleanup;
	delta /= targ_ms ? 1000000U : 1000U;
	gt_hist_add(h, delta);
cleanup:
	bpf_map_delete_elem(&start, &rq);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert_btf(u64 *ctx)
{
	return handle_insert(ctx, false);
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue_btf(u64 *ctx)
{
	return handle_insert(ctx, true);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete_btf, struct request *rq, int error, unsigned int nr_bytes)
{
	return handle_complete(rq);
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(block_rq_insert)
{
	return handle_insert(ctx, false);
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(block_rq_issue)
{
	return handle_insert(ctx, true);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	return handle_complete(rq);
}
