// Program types this kernel refuses (tracing, lsm) or cannot attach (kprobe without a kprobe PMU). The tests
// expect clean errors here and success on the qemu matrix kernels.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_nanosleep")
int lc_kprobe(void *ctx)
{
	return 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(lc_fentry)
{
	return 0;
}
