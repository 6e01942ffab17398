// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `ebpfctl prog profile`: an fentry/fexit pair attached around one loaded program (the loader sets the target,
 * program fd and function name, before load). Entry reads each selected perf counter of this CPU into a per-CPU
 * slot; exit reads them again and adds the differences to per-CPU totals, and counts the run. So each number is
 * what the counter saw between the target's first and last instruction, trampoline included, summed over runs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_METRICS 4

/* Set by the loader before load. */
const volatile __u32 nr_cpus = 1;
const volatile __u32 nr_metrics = 1;

/* One perf event fd per (metric, CPU), at metric * nr_cpus + cpu; sized and filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} counters SEC(".maps");

/* The readings at entry, per metric; `enabled == 0` marks a slot with no pending entry. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_METRICS);
	__type(key, __u32);
	__type(value, struct bpf_perf_event_value);
} at_entry SEC(".maps");

/* What the counters saw during the runs, per metric. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_METRICS);
	__type(key, __u32);
	__type(value, struct bpf_perf_event_value);
} totals SEC(".maps");

/* Runs measured from entry to exit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

/* The loops are unrolled: each copy has its metric as a constant, which the verifiers of 5.10 and 6.1 need (a loop
 * counter whose address goes to a helper is reloaded from the stack as an unknown value: "infinite loop detected"). */
SEC("fentry/target")
int profile_entry(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

#pragma unroll
	for (__u32 m = 0; m < MAX_METRICS; m++) {
		__u32 key = m;
		struct bpf_perf_event_value *slot;

		if (m >= nr_metrics)
			break;
		slot = bpf_map_lookup_elem(&at_entry, &key);
		if (!slot)
			return 0;
		/* Straight into the slot: nothing runs between the reading and the target but the trampoline. */
		if (bpf_perf_event_read_value(&counters, m * nr_cpus + cpu, slot, sizeof(*slot)))
			slot->enabled = 0;
	}
	return 0;
}

SEC("fexit/target")
int profile_exit(void *ctx)
{
	struct bpf_perf_event_value now[MAX_METRICS] = {};
	__u32 cpu = bpf_get_smp_processor_id(), zero = 0;
	__u64 *count;

	/* Every counter first, so that the bookkeeping below is not counted. */
#pragma unroll
	for (__u32 m = 0; m < MAX_METRICS; m++) {
		if (m >= nr_metrics)
			break;
		if (bpf_perf_event_read_value(&counters, m * nr_cpus + cpu, &now[m], sizeof(now[m])))
			return 0;
	}

	/* An exit without its entry (attached mid-run, or a failed read) is not a run. */
#pragma unroll
	for (__u32 m = 0; m < MAX_METRICS; m++) {
		__u32 key = m;
		struct bpf_perf_event_value *start;

		if (m >= nr_metrics)
			break;
		start = bpf_map_lookup_elem(&at_entry, &key);
		if (!start || !start->enabled)
			return 0;
	}
#pragma unroll
	for (__u32 m = 0; m < MAX_METRICS; m++) {
		__u32 key = m;
		struct bpf_perf_event_value *start, *total;

		if (m >= nr_metrics)
			break;
		start = bpf_map_lookup_elem(&at_entry, &key);
		total = bpf_map_lookup_elem(&totals, &key);
		if (!start || !total)
			return 0;
		total->counter += now[m].counter - start->counter;
		total->enabled += now[m].enabled - start->enabled;
		total->running += now[m].running - start->running;
		start->enabled = 0;
	}
	count = bpf_map_lookup_elem(&runs, &zero);
	if (count)
		*count += 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
