// Ground truth, a ring buffer whose size the loader chooses from its options (bpf_map__set_max_entries): compiled
// with max_entries 0, which no kernel accepts for a ring buffer (EINVAL at map creation).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_unlinkat")
int on_unlink(struct trace_event_raw_sys_enter *ctx)
{
	struct {
		u32 pid;
		char name[64];
	} *e = bpf_ringbuf_reserve(&events, 68, 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_user_str(e->name, sizeof(e->name), (void *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
