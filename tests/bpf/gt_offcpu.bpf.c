// Ground truth, an off-CPU time profiler: sched_switch as a BTF tracepoint with a raw_tp twin, kernel and user
// stacks in a stack-trace map sized in the object, the previous task's state through the __state rename guard,
// and a per-thread start map. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define PERF_MAX_STACK_DEPTH 127

const volatile bool kernel_threads_only = false;
const volatile bool user_threads_only = false;
const volatile __u64 min_block_ns = 1;
const volatile long state = -1;

struct key_t {
	__u32 pid;
	__u32 tgid;
	int user_stack_id;
	int kern_stack_id;
};

struct internal_key {
	u64 start_ts;
	struct key_t key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u32);
	__type(value, struct internal_key);
	__uint(max_entries, 10240);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(u64));
	__uint(max_entries, 1024);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key_t);
	__type(value, u64);
	__uint(max_entries, 10240);
} info SEC(".maps");

static __always_inline bool allow_record(struct task_struct *t)
{
	if (user_threads_only && BPF_CORE_READ(t, flags) & 0x00200000 /* PF_KTHREAD */)
		return false;
	if (kernel_threads_only && !(BPF_CORE_READ(t, flags) & 0x00200000))
		return false;
	if (state != -1 && gt_task_state(t) != state)
		return false;
	return true;
}

static __always_inline int handle_sched_switch(void *ctx, struct task_struct *prev, struct task_struct *next)
{
	struct internal_key *i_keyp, i_key;
	u64 *valp, delta;
	u32 pid;

	if (allow_record(prev)) {
		pid = BPF_CORE_READ(prev, pid);
		if (!pid)
			pid = bpf_get_smp_processor_id();
		i_key.key.pid = pid;
		i_key.key.tgid = BPF_CORE_READ(prev, tgid);
		i_key.start_ts = bpf_ktime_get_ns();
		i_key.key.user_stack_id = BPF_CORE_READ(prev, flags) & 0x00200000 ? -1 :
					  bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
		i_key.key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
		bpf_map_update_elem(&start, &pid, &i_key, 0);
	}
	pid = BPF_CORE_READ(next, pid);
	i_keyp = bpf_map_lookup_elem(&start, &pid);
	if (!i_keyp)
		return 0;
	delta = bpf_ktime_get_ns() - i_keyp->start_ts;
	if (delta < min_block_ns)
		goto cleanup;
	delta /= 1000U;
	valp = bpf_map_lookup_elem(&info, &i_keyp->key);
	if (!valp)
		bpf_map_update_elem(&info, &i_keyp->key, &delta, BPF_NOEXIST);
	else
		__sync_fetch_and_add(valp, delta);
cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_sched_switch(ctx, prev, next);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_sched_switch(ctx, prev, next);
}
