// Ground truth, a stack counter for one kernel function: a kprobe on the function the user names (the loader
// attaches it by name at run time) and a stack-trace map whose value size is fixed but whose number of entries the
// loader sets from --stack-storage-size. max_entries 0 as compiled: refused on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct key_t {
	__u32 pid;
	int kern_stack_id;
	int user_stack_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 127 * sizeof(u64));
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, u64);
} counts SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(stackcount_entry)
{
	static const u64 zero;
	struct key_t key = {};
	u64 *val;

	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
	key.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
	val = gt_lookup_or_init(&counts, &key, &zero);
	if (val)
		__sync_fetch_and_add(val, 1);
	return 0;
}
