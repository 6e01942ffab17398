// Ground truth, an LLC miss sampler: a perf_event program reading its counter with bpf_perf_prog_read_value and
// keying by CPU and pid. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct key_info {
	__u32 cpu;
	__u32 pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_info);
	__type(value, u64);
} infos SEC(".maps");

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	struct bpf_perf_event_value v = {};
	struct key_info key = {
		.cpu = bpf_get_smp_processor_id(),
		.pid = bpf_get_current_pid_tgid() >> 32,
	};
	u64 *n;

	if (bpf_perf_prog_read_value(ctx, &v, sizeof(v)))
		return 0;
	n = gt_lookup_or_init(&infos, &key, &v.counter);
	if (n)
		__sync_fetch_and_add(n, ctx->sample_period);
	return 0;
}
