// Ground truth, one kprobe program attached to several functions, each told apart by its BPF cookie (5.15) where
// the kernel has cookies (LINUX_HAS_BPF_COOKIE, filled in by libbpf) and by the instruction pointer elsewhere.
// The cookie helper is dead code on 5.10: loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const bool LINUX_HAS_BPF_COOKIE __kconfig;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, u64);
	__type(value, u64);
} per_site SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(generic_entry)
{
	static const u64 one = 1;
	u64 site, *n;

	if (LINUX_HAS_BPF_COOKIE)
		site = bpf_get_attach_cookie(ctx);
	else
		site = PT_REGS_IP(ctx);
	n = gt_lookup_or_init(&per_site, &site, &one);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}
