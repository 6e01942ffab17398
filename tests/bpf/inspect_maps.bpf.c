// Map definitions of many kinds, global data with initial values, and kconfig/ksym externs.
// tests/inspect_objects.rs checks `ebpfctl inspect` against these declarations and against libbpf.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct ic_flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct ic_flow_stats {
	__u64 packets;
	__u64 bytes;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ic_flow_key);
	__type(value, struct ic_flow_stats);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, __u32);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_store SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} inner1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { &inner1 },
};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int (void *));
} jumps SEC(".maps");

enum ic_mode { IC_MODE_OFF = 0, IC_MODE_ON = 1, IC_MODE_AUTO = 7 };

const volatile int answer = 42;
const volatile char greeting[8] = "hello";
const volatile enum ic_mode start_mode = IC_MODE_AUTO;
const volatile struct ic_flow_key default_key = { .saddr = 1, .daddr = 2, .sport = 80, .dport = 443 };
const volatile bool verbose = true;
__u64 data_counter = 7;
__u64 bss_counter;
int custom_data SEC(".data.custom") = 5;

extern int LINUX_KERNEL_VERSION __kconfig;
extern unsigned long CONFIG_HZ __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern int CONFIG_EBPFCTL_NOT_A_REAL_OPTION __kconfig __weak;
extern const struct rq runqueues __ksym;
extern const void bpf_prog_active __ksym __weak;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("tp_btf/sched_switch")
int use_everything(u64 *ctx)
{
	struct ic_flow_key k = default_key;
	struct ic_flow_stats *s = bpf_map_lookup_elem(&flows, &k);
	struct task_struct *t;

	if (s && verbose)
		s->packets += answer + start_mode + greeting[0];
	data_counter += LINUX_KERNEL_VERSION + CONFIG_HZ + CONFIG_BPF_SYSCALL + CONFIG_EBPFCTL_NOT_A_REAL_OPTION;
	bss_counter += custom_data + (long)&runqueues + (long)&bpf_prog_active;
	bpf_ringbuf_output(&events, &k, sizeof(k), 0);
	bpf_tail_call(ctx, &jumps, 0);
	t = bpf_task_acquire(bpf_get_current_task_btf());
	if (t)
		bpf_task_release(t);
	return 0;
}
