// Ground truth, a kill() tracer written with libbpf's syscall macros: ksyscall/kretsyscall programs are kprobes
// whose syscall-prefixed target libbpf finds at attach time, and BPF_KSYSCALL reads the arguments through the
// LINUX_HAS_SYSCALL_WRAPPER kconfig value libbpf fills in. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile pid_t filter_pid = 0;

struct value {
	__u32 pid;
	int sig;
	pid_t tpid;
	int ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct value);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("ksyscall/kill")
int BPF_KSYSCALL(kill_entry, pid_t tpid, int sig)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	u32 tid = pid_tgid;
	struct value v = { .pid = pid_tgid >> 32, .sig = sig, .tpid = tpid };

	if (filter_pid && v.pid != filter_pid)
		return 0;
	bpf_map_update_elem(&values, &tid, &v, 0);
	return 0;
}

SEC("kretsyscall/kill")
int BPF_KRETPROBE(kill_exit, int ret)
{
	u32 tid = bpf_get_current_pid_tgid();
	struct value *v = bpf_map_lookup_elem(&values, &tid);

	if (!v)
		return 0;
	v->ret = ret;
	bpf_ringbuf_output(&events, v, sizeof(*v), 0);
	bpf_map_delete_elem(&values, &tid);
	return 0;
}
