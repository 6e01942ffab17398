// Ground truth, a USDT tracer through libbpf's usdt.bpf.h: USDT programs are uprobes whose argument specs libbpf
// keeps in two maps; the spec id comes from bpf_get_attach_cookie (5.15) only when LINUX_HAS_BPF_COOKIE says so,
// otherwise from the instruction pointer. On 5.10 the cookie helper is therefore never reached by the verifier:
// loads on every kernel.
#include "gt_tools.bpf.h"
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, u64);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct gt_hist);
} latency SEC(".maps");

SEC("usdt")
int BPF_USDT(query_start, void *query)
{
	u32 tid = bpf_get_current_pid_tgid();
	u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&starts, &tid, &ts, 0);
	return 0;
}

SEC("usdt")
int BPF_USDT(query_done, void *query, long status)
{
	u32 tid = bpf_get_current_pid_tgid(), zero = 0;
	struct gt_hist *h;
	u64 *ts;

	ts = bpf_map_lookup_elem(&starts, &tid);
	if (!ts)
		return 0;
	h = bpf_map_lookup_elem(&latency, &zero);
	if (h)
		gt_hist_add(h, (bpf_ktime_get_ns() - *ts) / 1000);
	bpf_map_delete_elem(&starts, &tid);
	return bpf_usdt_arg_cnt(ctx) < 0;
}
