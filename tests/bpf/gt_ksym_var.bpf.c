// Ground truth, a run-queue length sampler reading the per-CPU `runqueues` variable as a typed __ksym through
// bpf_per_cpu_ptr (5.10). 5.10's BTF (Debian, built with an older pahole) has no per-CPU variables: libbpf cannot
// resolve the extern and refuses the object there.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const struct rq runqueues __ksym;

__u32 nr_running;

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	struct rq *rq = bpf_per_cpu_ptr(&runqueues, bpf_get_smp_processor_id());

	if (rq)
		nr_running = rq->nr_running;
	return 0;
}
