// Ground truth, variable-length ring buffer records through a dynptr (bpf_ringbuf_reserve_dynptr, 5.19) where the
// kernel has it, fixed-size reserve/submit elsewhere, chosen with bpf_core_enum_value_exists on enum bpf_func_id.
// Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} rb SEC(".maps");

SEC("tp/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	u32 len = ctx->args[2] & 63;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_ringbuf_reserve_dynptr)) {
		struct bpf_dynptr ptr;

		if (!bpf_ringbuf_reserve_dynptr(&rb, len + 8, 0, &ptr))
			bpf_dynptr_write(&ptr, 0, &len, sizeof(len), 0);
		bpf_ringbuf_submit_dynptr(&ptr, 0);
	} else {
		u32 *rec = bpf_ringbuf_reserve(&rb, 72, 0);

		if (rec) {
			*rec = len;
			bpf_ringbuf_submit(rec, 0);
		}
	}
	return 0;
}
