// Ground truth, an open-coded loop with bpf_for() (numeric iterator kfuncs bpf_iter_num_*, 6.4): refused by 5.10 and
// 6.1, whose BTF has no such kfuncs.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

__u64 sums[8];

SEC("raw_tp/sys_enter")
int BPF_PROG(spread)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 8);
	while ((v = bpf_iter_num_next(&it))) {
		if (*v >= 0 && *v < 8)
			sums[*v]++;
	}
	bpf_iter_num_destroy(&it);
	return 0;
}
