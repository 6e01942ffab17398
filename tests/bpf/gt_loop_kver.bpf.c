// Ground truth, bpf_loop (5.17) chosen by LINUX_KERNEL_VERSION with an unrolled fallback. The version check makes
// the call dead code on 5.10, but the callback's address is still an instruction operand (BPF_PSEUDO_FUNC), which
// 5.10 rejects before verifying anything: refused on 5.10, loads on 6.x.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern int LINUX_KERNEL_VERSION __kconfig;

__u64 sum;

static long add(u32 i, void *ctx)
{
	sum += i;
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(tally)
{
	int i;

	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 17, 0)) {
		bpf_loop(16, add, NULL, 0);
	} else {
		for (i = 0; i < 16; i++)
			sum += i;
	}
	return 0;
}
