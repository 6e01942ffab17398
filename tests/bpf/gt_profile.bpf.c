// Ground truth, a CPU profiler: a perf_event program sampling stacks into a stack-trace map whose value size and
// number of entries the loader sets from its options (bpf_map__set_value_size/set_max_entries), so the object as
// compiled has a stack map with max_entries 0 and value_size 0: no kernel creates it (EINVAL), and `prog loadall`
// fails on every kernel. With the sizes a loader gives it, it loads.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool kernel_stacks_only = false;
const volatile bool user_stacks_only = false;
const volatile pid_t targ_pid = -1;

struct key_t {
	__u32 pid;
	int user_stack_id;
	int kern_stack_id;
	char name[GT_TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__type(key, u32);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key_t);
	__type(value, u64);
	__uint(max_entries, 10240);
} counts SEC(".maps");

SEC("perf_event")
int do_perf_event(struct bpf_perf_event_data *ctx)
{
	static const u64 zero;
	struct key_t key = {};
	u64 *valp;
	u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (targ_pid != -1 && targ_pid != pid)
		return 0;
	key.pid = pid;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	key.kern_stack_id = user_stacks_only ? -1 : bpf_get_stackid(&ctx->regs, &stackmap, 0);
	key.user_stack_id = kernel_stacks_only ? -1 : bpf_get_stackid(&ctx->regs, &stackmap, BPF_F_USER_STACK);
	valp = gt_lookup_or_init(&counts, &key, &zero);
	if (valp)
		__sync_fetch_and_add(valp, 1);
	return 0;
}
