// Ground truth, a TCP connect tracer shipped with two alternatives per hook: fentry/fexit (cheap, BTF arguments)
// and kprobe/kretprobe (works where fentry does not); the loader disables one set at run time, `prog loadall`
// loads both. So the object loads where the kernel takes fentry programs (5.10, 6.1, 6.12) and not where it refuses
// them (this 6.18 build refuses every fentry program). A kprobe target that is missing only breaks attaching.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile pid_t filter_pid = 0;
const volatile bool do_count = false;

struct ipv4_flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct sock *);
} sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ipv4_flow_key);
	__type(value, u64);
} ipv4_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

static __always_inline int enter_connect(struct sock *sk)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tid = pid_tgid;

	if (filter_pid && (pid_tgid >> 32) != filter_pid)
		return 0;
	bpf_map_update_elem(&sockets, &tid, &sk, 0);
	return 0;
}

static __always_inline int exit_connect(void *ctx, int ret)
{
	u32 tid = bpf_get_current_pid_tgid();
	struct ipv4_flow_key key = {};
	struct sock **skpp, *sk;
	static const u64 one = 1;
	u64 *count;

	skpp = bpf_map_lookup_elem(&sockets, &tid);
	if (!skpp)
		return 0;
	if (ret)
		goto end;
	sk = *skpp;
	key.saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	key.daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	key.dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	if (do_count) {
		count = gt_lookup_or_init(&ipv4_count, &key, &one);
		if (count)
			__sync_fetch_and_add(count, 1);
	} else {
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &key, sizeof(key));
	}
end:
	bpf_map_delete_elem(&sockets, &tid);
	return 0;
}

SEC("fentry/tcp_v4_connect")
int BPF_PROG(tcp_v4_connect_fentry, struct sock *sk)
{
	return enter_connect(sk);
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(tcp_v4_connect_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	return exit_connect(ctx, ret);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(tcp_v4_connect, struct sock *sk)
{
	return enter_connect(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(tcp_v4_connect_ret, int ret)
{
	return exit_connect(ctx, ret);
}
