// Ground truth, a formatter that uses bpf_snprintf (5.13) where the kernel has it and falls back to raw copies,
// decided by `bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_snprintf)`: libbpf turns the check into a
// constant and the verifier never walks the call on 5.10. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

char out[64];

SEC("tracepoint/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	u64 args[2] = { ctx->parent_pid, ctx->child_pid };

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_snprintf)) {
		static const char fmt[] = "%d -> %d";

		bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args));
	} else {
		bpf_probe_read_kernel(out, sizeof(args), args);
	}
	return 0;
}
