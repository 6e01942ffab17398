// Ground truth, the same sampler with the typed __ksym declared __weak and used only when it resolved, falling back
// to nothing: loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const struct rq runqueues __ksym __weak;

__u32 nr_running;

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	struct rq *rq;

	if (!bpf_ksym_exists(&runqueues))
		return 0;
	rq = bpf_per_cpu_ptr(&runqueues, bpf_get_smp_processor_id());
	if (rq)
		nr_running = rq->nr_running;
	return 0;
}
