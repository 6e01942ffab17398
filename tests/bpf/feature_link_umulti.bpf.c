// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An uprobe_multi link on the loader itself (/proc/self/exe is ebpfctl when it autoattaches), for feature probe's
 * link_types ground truth. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("uprobe.multi//proc/self/exe:main")
int links_uprobe_multi(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
