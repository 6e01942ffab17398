// Ground truth, an IRQ time counter: irq_handler_entry/exit as BTF tracepoints with raw_tp twins, a per-CPU
// start array sized in the object and a per-IRQ-name hash map whose size the loader picks (max_entries 0 as
// compiled: no kernel creates it as is).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool do_count = false;

struct irq_key {
	char name[32];
};

struct info {
	__u64 count;
	__u64 total_time;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct irq_key);
	__type(value, struct info);
} infos SEC(".maps");

static struct info zero;

static __always_inline int handle_entry(int irq, struct irqaction *action)
{
	u64 ts = bpf_ktime_get_ns();
	u32 key = 0;

	if (do_count) {
		struct irq_key ikey = {};
		struct info *info;

		bpf_probe_read_kernel_str(&ikey.name, sizeof(ikey.name), BPF_CORE_READ(action, name));
		info = gt_lookup_or_init(&infos, &ikey, &zero);
		if (info)
			info->count += 1;
		return 0;
	}
	bpf_map_update_elem(&start, &key, &ts, 0);
	return 0;
}

static __always_inline int handle_exit(int irq, struct irqaction *action)
{
	struct irq_key ikey = {};
	struct info *info;
	u32 key = 0;
	u64 *tsp;

	tsp = bpf_map_lookup_elem(&start, &key);
	if (!tsp)
		return 0;
	bpf_probe_read_kernel_str(&ikey.name, sizeof(ikey.name), BPF_CORE_READ(action, name));
	info = gt_lookup_or_init(&infos, &ikey, &zero);
	if (info)
		info->total_time += bpf_ktime_get_ns() - *tsp;
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry_btf, int irq, struct irqaction *action)
{
	return handle_entry(irq, action);
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit_btf, int irq, struct irqaction *action)
{
	return handle_exit(irq, action);
}

SEC("raw_tp/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	return handle_entry(irq, action);
}

SEC("raw_tp/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action)
{
	return handle_exit(irq, action);
}
