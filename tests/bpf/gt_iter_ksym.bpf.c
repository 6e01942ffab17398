// Ground truth, a kallsyms dumper as a ksym iterator (6.0): refused on 5.10 (no such iterator target).
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("iter/ksym")
int dump_ksym(struct bpf_iter__ksym *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct kallsym_iter *iter = ctx->ksym;

	if (!iter)
		return 0;
	BPF_SEQ_PRINTF(seq, "0x%llx %c %s\n", iter->value, iter->type, iter->name);
	return 0;
}
