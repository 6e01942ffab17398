// Ground truth, an SSL-write sniffer: a uprobe reads the plaintext buffer, a sleepable uprobe twin (uprobe.s) reads
// it with bpf_copy_from_user, which may fault pages in. Sleepable uprobes are refused by kernels before 6.0.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_BUF 256

struct event {
	__u32 pid;
	__u32 len;
	char buf[MAX_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

static __always_inline int record(const void *buf, int num, bool sleepable)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	u32 len = num < 0 ? 0 : num;

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->len = len;
	if (len > MAX_BUF)
		len = MAX_BUF;
	if (sleepable)
		bpf_copy_from_user(e->buf, len & (MAX_BUF - 1), buf);
	else
		bpf_probe_read_user(e->buf, len & (MAX_BUF - 1), buf);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("uprobe")
int BPF_UPROBE(probe_ssl_write, void *ssl, const void *buf, int num)
{
	return record(buf, num, false);
}

SEC("uprobe.s")
int BPF_UPROBE(probe_ssl_write_sleepable, void *ssl, const void *buf, int num)
{
	return record(buf, num, true);
}
