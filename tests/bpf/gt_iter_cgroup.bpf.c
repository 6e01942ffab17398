// Ground truth, a cgroup tree walker as a cgroup iterator (6.1): refused by 5.10 (no such iterator target).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/cgroup")
int dump_cgroup(struct bpf_iter__cgroup *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct cgroup *cgrp = ctx->cgroup;

	if (!cgrp)
		return 1;
	BPF_SEQ_PRINTF(seq, "%d\n", cgrp->level);
	return 0;
}
