// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A kprobe_multi link, for feature probe's link_types ground truth: attaches only where the kernel was built with
 * fprobe (not this VM's 6.18). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("kprobe.multi/vfs_read")
int links_kprobe_multi(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
