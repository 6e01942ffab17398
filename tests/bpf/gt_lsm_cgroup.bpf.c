// Ground truth, a per-cgroup socket policy with lsm_cgroup (attach type BPF_LSM_CGROUP, 6.0): the attach type is
// unknown to 5.10, which refuses the load; 6.1 and 6.12 take it.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("lsm_cgroup/socket_bind")
int BPF_PROG(bind_policy, struct socket *sock, struct sockaddr *address, int addrlen)
{
	return 1;
}
