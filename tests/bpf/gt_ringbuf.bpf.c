// Ground truth, an exit tracer with a BPF ring buffer (5.8): reserve/submit, a dropped-event counter in .bss, an
// exit code filter in .rodata. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool trace_failed_only = false;

struct event {
	int pid;
	int ppid;
	unsigned exit_code;
	unsigned long long duration_ns;
	char comm[GT_TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

__u64 dropped;

SEC("tp/sched/sched_process_exit")
int handle_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct event *e;
	unsigned code = BPF_CORE_READ(task, exit_code);

	if (trace_failed_only && (code >> 8) == 0)
		return 0;
	if (bpf_get_current_pid_tgid() >> 32 != (u32)bpf_get_current_pid_tgid())
		return 0;
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = code >> 8;
	e->duration_ns = bpf_ktime_get_ns() - BPF_CORE_READ(task, start_time);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
