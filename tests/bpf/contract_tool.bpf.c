// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A scheduler-latency tool written the way libbpf-tools writes one (runqlat, runqslower, offcputime): `const
 * volatile` knobs in .rodata that the loader sets, counters in .bss, tunables with initial values in .data and in a
 * custom .data.* section, kconfig externs, a histogram keyed by a struct, per-CPU counters, a stack-trace map, a perf
 * event array and a ring buffer for events, a cgroup array for the cgroup filter, and an array of maps. The hook has
 * two alternatives (tp_btf where the kernel has BTF tracepoints, raw_tp elsewhere); a real loader autoloads one.
 *
 * tests/map_contract.rs loads it with `bpftool prog loadall` and with `ebpfctl prog loadall`, never attaches it (live
 * events would change the maps between two dumps), runs `seed` once through BPF_PROG_TEST_RUN so every map holds
 * known data, and compares both tools' dump of every map. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define MAX_SLOTS 20
#define TASK_COMM_LEN 16
#define MAX_STACK_DEPTH 127

enum units { UNIT_NSEC, UNIT_USEC, UNIT_MSEC };

/* Knobs: set by the loader before load (skeleton rodata), frozen after. */
const volatile pid_t targ_tgid = 0;
const volatile bool targ_per_process = true;
const volatile bool filter_cg = false;
const volatile __u64 min_ns = 1000;
const volatile enum units targ_units = UNIT_USEC;
const volatile char targ_comm[TASK_COMM_LEN] = "contract";

/* Counters the program bumps; user space reads them from the .bss map. */
__u64 total_events;
__u32 dropped;
struct {
	__u64 last_ts;
	__u32 last_pid;
	__u32 last_cpu;
} last_seen;

/* Tunables with defaults: .data, and a section of their own as bigger tools keep per-hook state apart. */
int verbosity = 2;
char tool_tag[8] = "runq";
__u16 sample_every[3] = { 1, 10, 100 };
__u64 hook_hits[2] SEC(".data.hooks") = { 0, 0 };

extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern unsigned int CONFIG_HZ __kconfig __weak;
extern bool CONFIG_BPF_JIT __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_LSM __kconfig __weak;

struct hist_key {
	__u32 tgid;
	char comm[TASK_COMM_LEN];
};

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

struct cpu_counters {
	__u64 events;
	__u64 lat_sum_ns;
};

struct event {
	__u32 pid;
	__u32 prev_pid;
	__u64 delta_us;
	char task[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_counters);
} cpu_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 64);
} stack_traces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");

/* What an XDP or socket tool declares next to its counters: redirect and socket maps whose slots stay empty until
 * user space fills them. bpftool lists every slot with the text of the kernel's errno as its value. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_queues SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} socks SEC(".maps");

/* Per-task state as schedulers and security tools keep it: task-local storage, created on first use. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_switches SEC(".maps");

struct inner_counts {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cgroup_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_counts);
} per_cgroup SEC(".maps") = {
	.values = { [0] = &per_cgroup_a },
};

static __always_inline void account(void *ctx, struct task_struct *p, struct task_struct *prev, __u64 now)
{
	struct hist_key hkey = {};
	struct event ev = {};
	struct hist *h;
	__u64 *tsp, delta;
	__u32 pid = BPF_CORE_READ(p, pid), zero = 0;
	struct cpu_counters *c;

	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return;
	if (targ_tgid && BPF_CORE_READ(p, tgid) != targ_tgid)
		return;
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp) {
		bpf_map_update_elem(&start, &pid, &now, BPF_ANY);
		return;
	}
	delta = now - *tsp;
	bpf_map_delete_elem(&start, &pid);
	if (delta < min_ns) {
		__sync_fetch_and_add(&dropped, 1);
		return;
	}
	hkey.tgid = targ_per_process ? BPF_CORE_READ(p, tgid) : 0;
	bpf_probe_read_kernel_str(hkey.comm, sizeof(hkey.comm), p->comm);
	h = bpf_map_lookup_elem(&hists, &hkey);
	if (!h) {
		struct hist zero_hist = {};

		bpf_map_update_elem(&hists, &hkey, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &hkey);
		if (!h)
			return;
	}
	delta /= targ_units == UNIT_MSEC ? 1000000 : targ_units == UNIT_USEC ? 1000 : 1;
	__sync_fetch_and_add(&h->slots[delta < MAX_SLOTS ? delta : MAX_SLOTS - 1], 1);
	c = bpf_map_lookup_elem(&cpu_counters, &zero);
	if (c) {
		c->events++;
		c->lat_sum_ns += delta;
	}
	__sync_fetch_and_add(&total_events, 1);
	last_seen.last_ts = now;
	last_seen.last_pid = pid;
	last_seen.last_cpu = bpf_get_smp_processor_id();
	ev.pid = pid;
	ev.prev_pid = BPF_CORE_READ(prev, pid);
	ev.delta_us = delta;
	bpf_probe_read_kernel_str(ev.task, sizeof(ev.task), p->comm);
	bpf_get_stackid(ctx, &stack_traces, 0);
	if (verbosity > 1)
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	else
		bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 *switches = bpf_task_storage_get(&task_switches, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (switches)
		(*switches)++;
	__sync_fetch_and_add(&hook_hits[0], 1);
	account(ctx, next, prev, bpf_ktime_get_ns());
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(handle_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__sync_fetch_and_add(&hook_hits[1], 1);
	account(ctx, next, prev, bpf_ktime_get_ns());
	return 0;
}

/* Known contents for the dump comparison, written the way the hooks would write them. */
SEC("socket")
int seed(struct __sk_buff *skb)
{
	struct hist_key k1 = { .tgid = 42, .comm = "worker" }, k2 = { .tgid = 7, .comm = "idle" };
	struct hist h = { .comm = "worker" };
	struct cpu_counters *c;
	__u32 pid = 4242, zero = 0;
	__u64 ts = 123456789;

	h.slots[3] = 5;
	h.slots[MAX_SLOTS - 1] = 1;
	bpf_map_update_elem(&hists, &k1, &h, BPF_ANY);
	h.comm[0] = 'i';
	h.comm[1] = 'd';
	h.comm[2] = 'l';
	h.comm[3] = 'e';
	h.comm[4] = 0;
	h.slots[0] = 9;
	bpf_map_update_elem(&hists, &k2, &h, BPF_ANY);
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	c = bpf_map_lookup_elem(&cpu_counters, &zero);
	if (c) {
		c->events = 3;
		c->lat_sum_ns = 777;
	}
	bpf_map_update_elem(&per_cgroup_a, &zero, &ts, BPF_ANY);
	total_events = 11;
	dropped = 2;
	last_seen.last_ts = ts;
	last_seen.last_pid = pid;
	last_seen.last_cpu = 1;
	hook_hits[1] = 5;
	return LINUX_KERNEL_VERSION > 0 && CONFIG_HZ != 100 && (CONFIG_BPF_JIT || CONFIG_BPF_LSM == TRI_YES);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
