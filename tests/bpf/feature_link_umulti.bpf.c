// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An uprobe_multi link on libc's getpid, an exported symbol (the stripped release binary has none of its own),
 * for feature probe's link_types ground truth. MULTIARCH (tests/common) is this machine's Debian multiarch triple. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("uprobe.multi//lib/" MULTIARCH "/libc.so.6:getpid")
int links_uprobe_multi(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
