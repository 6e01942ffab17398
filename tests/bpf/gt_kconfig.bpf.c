// Ground truth for --kconfig: a strong (non-weak) kconfig extern that no real kernel sets. libbpf resolves it from
// the kconfig text it is given, else from the system's config, and refuses the object when neither sets it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern bool CONFIG_EBPFCTL_GROUNDTRUTH __kconfig;

__u64 out;

SEC("raw_tp/sys_enter")
int gt_kconfig(void *ctx)
{
	out = CONFIG_EBPFCTL_GROUNDTRUTH;
	return 0;
}
