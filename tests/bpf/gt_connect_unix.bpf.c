// Ground truth, cgroup hooks on AF_UNIX sockets (cgroup/connect_unix, sendmsg_unix: attach types from 6.7). A
// cgroup_sock_addr program must name an attach type the kernel knows: 5.10 and 6.1 refuse the load.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 unix_connects;

SEC("cgroup/connect_unix")
int connect_unix(struct bpf_sock_addr *ctx)
{
	unix_connects++;
	return 1;
}

SEC("cgroup/sendmsg_unix")
int sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return 1;
}
