// Ground truth, optional kernel config read from a weak __kconfig extern (unset options read as 0, libbpf does
// not fail): a tracer that skips its preemption statistics where CONFIG_PREEMPT is off. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern bool CONFIG_PREEMPT __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;

__u64 ticks, hz;

SEC("raw_tp/sched_switch")
int BPF_PROG(on_switch)
{
	if (CONFIG_PREEMPT)
		ticks++;
	hz = CONFIG_HZ;
	return 0;
}
