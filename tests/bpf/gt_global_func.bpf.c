// Ground truth, code shared between programs as a global (non-inlined) function, which the verifier checks once on
// its own (5.6), a static subprogram and a bounded loop (5.3). Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 hist[16];

__noinline int bucket_of(__u64 v)
{
	int b = 0;

	while (v > 1 && b < 15) {
		v >>= 1;
		b++;
	}
	return b;
}

static __noinline void add_sample(__u64 v)
{
	/* A global function's result is an unknown scalar to the verifier: bound it here. */
	__sync_fetch_and_add(&hist[bucket_of(v) & 15], 1);
}

SEC("tp/syscalls/sys_exit_read")
int on_read(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret > 0)
		add_sample(ctx->ret);
	return 0;
}

SEC("tp/syscalls/sys_exit_write")
int on_write(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret > 0)
		add_sample(ctx->ret);
	return 0;
}
