// A small tool written the way libbpf-tools are, to drive `gen skeleton`/`gen subskeleton`: configuration in
// .rodata set by the loader before load, counters in .bss and .data and a custom .data.* section, a static
// variable inside a function, a .kconfig extern, an anonymous struct and an array as globals, a ring buffer of a
// type shared with user space, and two alternatives for one hook with the loader choosing one through autoload.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "skel_demo.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_tgid = 0;
const volatile bool verbose = false;
const volatile __u8 tag[3] = { 1, 2, 3 };
/* getppid's number on the target, from the loader (SYS_getppid). */
const volatile __u64 nr_getppid = 0;

__u64 hits;
struct {
	__u64 events;
	__u32 dropped;
} totals;
struct demo_event last;

int generation = 7;
char label[6] = "demo";
__u64 custom_counter SEC(".data.custom") = 42;

extern int LINUX_KERNEL_VERSION __kconfig;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} per_tgid SEC(".maps");

static __always_inline int record(void)
{
	static __u64 calls;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct demo_event *e;

	if (target_tgid && tgid != target_tgid)
		return 0;
	calls++;
	__sync_fetch_and_add(&hits, 1);
	totals.events = calls;
	custom_counter++;
	last.tgid = tgid;
	last.seq = generation + (__u32)calls;
	bpf_get_current_comm(last.comm, sizeof(last.comm));
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		totals.dropped++;
		return 0;
	}
	*e = last;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid_tp(void *ctx)
{
	return record();
}

SEC("raw_tp/sys_enter")
int on_getppid_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] != nr_getppid)
		return 0;
	return record();
}
