// Ground truth, an on-CPU time distribution: sched_switch as a BTF tracepoint with a raw_tp twin, and a per-CPU
// array of start times that the loader sizes to the number of CPUs (bpf_map__set_max_entries(nr_cpus)), so it is
// compiled with max_entries 0 and no kernel creates it as is.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool targ_per_process = false;
const volatile bool targ_offcpu = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct gt_hist);
} hists SEC(".maps");

static struct gt_hist empty_hist;

static __always_inline int handle_switch(struct task_struct *prev, struct task_struct *next)
{
	u32 zero = 0, id;
	u64 *tsp, ts = bpf_ktime_get_ns();
	struct gt_hist *h;

	tsp = bpf_map_lookup_elem(&start, &zero);
	if (!tsp)
		return 0;
	if (*tsp) {
		id = targ_per_process ? BPF_CORE_READ(prev, tgid) : 0;
		h = gt_lookup_or_init(&hists, &id, &empty_hist);
		if (h)
			gt_hist_add(h, (ts - *tsp) / 1000);
	}
	*tsp = ts;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_switch(prev, next);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_tp, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_switch(prev, next);
}
