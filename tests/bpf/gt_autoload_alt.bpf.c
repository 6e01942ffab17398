// Ground truth, an unlink tracer the way libbpf-tools write one hook several ways: fentry and kprobe alternatives
// declared with SEC("?...") (autoload off; the tool's loader turns on the one the kernel supports at run time) and
// a syscall tracepoint that always loads. A plain load (bpftool prog loadall, libbpf's defaults) loads only the
// tracepoint, so this loads on every kernel, even one without kprobes or BPF trampolines: a checker that counts the
// alternatives would say it fails.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile pid_t targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} unlinks SEC(".maps");

static __always_inline int count_unlink(void)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	u64 one = 1, *n;

	if (targ_tgid && targ_tgid != tgid)
		return 0;
	n = bpf_map_lookup_elem(&unlinks, &tgid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&unlinks, &tgid, &one, BPF_NOEXIST);
	return 0;
}

SEC("?fentry/do_unlinkat")
int BPF_PROG(unlink_fentry, int dfd, struct filename *name)
{
	return count_unlink();
}

SEC("?kprobe/do_unlinkat")
int BPF_KPROBE(unlink_kprobe, int dfd, struct filename *name)
{
	return count_unlink();
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int unlink_tp(struct trace_event_raw_sys_enter *ctx)
{
	return count_unlink();
}
