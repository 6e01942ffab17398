// Ground truth, cgroup policy on sysctl writes and socket options: cgroup/sysctl reads the sysctl name with
// bpf_sysctl_get_name, cgroup/getsockopt and setsockopt (5.3) look at the level. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SOL_IP 0

SEC("cgroup/sysctl")
int sysctl_ro(struct bpf_sysctl *ctx)
{
	char name[32] = {};

	if (!ctx->write)
		return 1;
	bpf_sysctl_get_name(ctx, name, sizeof(name), 0);
	return name[0] == 'k' ? 0 : 1;
}

SEC("cgroup/getsockopt")
int getsockopt_pass(struct bpf_sockopt *ctx)
{
	return 1;
}

SEC("cgroup/setsockopt")
int setsockopt_ip(struct bpf_sockopt *ctx)
{
	if (ctx->level == SOL_IP)
		ctx->optlen = -1;
	return 1;
}
