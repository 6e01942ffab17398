// Ground truth, a transparent connect/sendmsg rewriter for a cgroup: connect4/connect6/sendmsg4/recvmsg4 hooks with
// a service map. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct svc {
	__u32 ip;
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct svc);
	__type(value, struct svc);
} services SEC(".maps");

static __always_inline int rewrite4(struct bpf_sock_addr *ctx)
{
	struct svc key = { .ip = ctx->user_ip4, .port = ctx->user_port }, *to;

	to = bpf_map_lookup_elem(&services, &key);
	if (to) {
		ctx->user_ip4 = to->ip;
		ctx->user_port = to->port;
	}
	return 1;
}

SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx) { return rewrite4(ctx); }

SEC("cgroup/sendmsg4")
int sendmsg4(struct bpf_sock_addr *ctx) { return rewrite4(ctx); }

SEC("cgroup/recvmsg4")
int recvmsg4(struct bpf_sock_addr *ctx) { return 1; }

SEC("cgroup/connect6")
int connect6(struct bpf_sock_addr *ctx)
{
	return ctx->user_port == 0 ? 0 : 1;
}
