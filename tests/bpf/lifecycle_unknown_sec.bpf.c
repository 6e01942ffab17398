// A program in a section no program type is named after.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("bogus_section")
int lc_unknown(void *ctx)
{
	return 0;
}
