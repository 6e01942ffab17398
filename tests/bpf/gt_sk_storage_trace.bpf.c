// Ground truth, per-socket state from a BTF tracepoint: bpf_sk_storage_get in tracing programs came in 5.11, so
// 5.10 refuses the helper for this program type though it knows the helper.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, u64);
} born SEC(".maps");

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, const struct sock *sk, int oldstate, int newstate)
{
	u64 *ts = bpf_sk_storage_get(&born, (void *)sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (ts && !*ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}
