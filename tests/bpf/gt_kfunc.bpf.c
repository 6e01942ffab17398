// Ground truth: bpf_rcu_read_lock/unlock are kfuncs of 6.2+, callable from every program type. libbpf refuses the
// object where the kernel BTF has no such function (5.10, 6.1).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("raw_tp/sys_enter")
int gt_kfunc(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}
