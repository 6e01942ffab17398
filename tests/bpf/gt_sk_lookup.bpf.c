// Ground truth, socket dispatch with sk_lookup (5.9): steer connections for a port range to one listening socket
// kept in a sockmap, with bpf_sk_assign. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u16 port_lo = 7000, port_hi = 7999;

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} target SEC(".maps");

SEC("sk_lookup")
int steer(struct bpf_sk_lookup *ctx)
{
	struct bpf_sock *sk;
	u32 zero = 0;
	long err;

	if (ctx->local_port < port_lo || ctx->local_port > port_hi)
		return SK_PASS;
	sk = bpf_map_lookup_elem(&target, &zero);
	if (!sk)
		return SK_PASS;
	err = bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	return err ? SK_DROP : SK_PASS;
}
