// Ground truth, a watchdog with bpf_timer (5.15): a timer in a hash map value, armed from a tracepoint. 5.10 does
// not know struct bpf_timer in map values nor the timer helpers: refused there.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define CLOCK_MONOTONIC 1

struct elem {
	struct bpf_timer t;
	__u64 armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, int);
	__type(value, struct elem);
} timers SEC(".maps");

__u64 fired;

static int timer_cb(void *map, int *key, struct elem *val)
{
	fired++;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(arm, struct task_struct *p)
{
	int key = 0;
	struct elem init = {}, *e;

	bpf_map_update_elem(&timers, &key, &init, BPF_NOEXIST);
	e = bpf_map_lookup_elem(&timers, &key);
	if (!e || e->armed)
		return 0;
	e->armed = 1;
	bpf_timer_init(&e->t, &timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&e->t, timer_cb);
	bpf_timer_start(&e->t, 1000000000, 0);
	return 0;
}
