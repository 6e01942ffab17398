// The largest program a privileged loader may hand the kernel: 1,000,000 instructions (BPF_COMPLEXITY_LIMIT_INSNS),
// straight-line so that the verifier walks each once. What `prog dump … visual` must refuse in one line rather than
// draw, and what the kernel itself cannot copy out as an xlated image (one 8 MB allocation).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("socket")
int huge(struct __sk_buff *skb)
{
	int n = 0;

	/* 999,994 additions, plus the compiler's few instructions around them: just under the limit. */
	asm volatile(".rept 999994\n\t%0 += 1\n\t.endr" : "+r"(n));
	return n & 1;
}
