// Ground truth: fentry on security_task_getsecid, which 5.13 split into security_task_getsecid_subj/_obj: present in
// 5.10's BTF only.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/security_task_getsecid")
int gt_fentry_old(void *ctx)
{
	return 0;
}
