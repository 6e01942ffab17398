// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A map-element iterator, pinned with bpftool's `iter pin OBJ PATH map MAP`: `cat PATH` prints each key and
 * value of MAP as "key value" lines. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("iter/bpf_map_elem")
int hb_dump_elems(struct bpf_iter__bpf_map_elem *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;

	if (!key || !value)
		return 0;
	BPF_SEQ_PRINTF(seq, "%u %llu\n", *key, *value);
	return 0;
}
