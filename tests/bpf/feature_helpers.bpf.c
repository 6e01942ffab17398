// Ground truth for `feature probe`'s helper lists: one real program per (program type, helper), each calling the
// helper with valid arguments. tests/feature.rs loads every program on its own; whether it loads must equal
// whether ebpfctl lists the helper as available for that program type. Program names are TYPE__HELPER.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} feature_arr SEC(".maps");

static long loop_body(__u64 index, void *data)
{
	return 0;
}

// Each body returns 0 or 1: cgroup_skb programs must return a value in [0, 1].
#define BODY_bpf_map_lookup_elem       __u32 k = 0; return bpf_map_lookup_elem(&feature_arr, &k) != 0;
#define BODY_bpf_get_current_pid_tgid  return bpf_get_current_pid_tgid() & 1;
#define BODY_bpf_skb_load_bytes        __u32 v = 0; return bpf_skb_load_bytes(ctx, 0, &v, 4) == 0;
#define BODY_bpf_xdp_adjust_head       return bpf_xdp_adjust_head(ctx, 0) == 0;
#define BODY_bpf_probe_read_kernel     __u64 v = 0; return bpf_probe_read_kernel(&v, 8, (void *)0) == 0;
#define BODY_bpf_ktime_get_ns          return bpf_ktime_get_ns() & 1;
#define BODY_bpf_loop                  return bpf_loop(1, loop_body, 0, 0) == 1;
#define BODY_bpf_get_current_comm      char c[16]; return bpf_get_current_comm(c, sizeof(c)) == 0;
#define BODY_bpf_redirect              return bpf_redirect(1, 0) & 1;
#define BODY_bpf_get_socket_cookie     return bpf_get_socket_cookie(ctx) & 1;
#define BODY_bpf_get_smp_processor_id  return bpf_get_smp_processor_id() & 1;
#define BODY_bpf_get_current_task      return bpf_get_current_task() & 1;
#define BODY_bpf_skb_store_bytes       __u32 v = 0; return bpf_skb_store_bytes(ctx, 0, &v, 4, 0) == 0;
#define BODY_bpf_get_prandom_u32       return bpf_get_prandom_u32() & 1;
#define BODY_bpf_trace_printk          static const char f[] = "x"; return bpf_trace_printk(f, sizeof(f)) == 0;
#define BODY_bpf_probe_write_user      __u64 v = 0; return bpf_probe_write_user((void *)0x1000, &v, 8) == 0;

#define PROG(sec, type, helper) \
	SEC(sec) int type##__##helper(void *ctx) { BODY_##helper }

#define ALL_HELPERS(sec, type) \
	PROG(sec, type, bpf_map_lookup_elem) \
	PROG(sec, type, bpf_get_current_pid_tgid) \
	PROG(sec, type, bpf_skb_load_bytes) \
	PROG(sec, type, bpf_xdp_adjust_head) \
	PROG(sec, type, bpf_probe_read_kernel) \
	PROG(sec, type, bpf_ktime_get_ns) \
	PROG(sec, type, bpf_loop) \
	PROG(sec, type, bpf_get_current_comm) \
	PROG(sec, type, bpf_redirect) \
	PROG(sec, type, bpf_get_socket_cookie) \
	PROG(sec, type, bpf_get_smp_processor_id) \
	PROG(sec, type, bpf_get_current_task) \
	PROG(sec, type, bpf_skb_store_bytes) \
	PROG(sec, type, bpf_get_prandom_u32) \
	PROG(sec, type, bpf_trace_printk) \
	PROG(sec, type, bpf_probe_write_user)

ALL_HELPERS("socket", socket_filter)
ALL_HELPERS("xdp", xdp)
ALL_HELPERS("kprobe/do_nanosleep", kprobe)
ALL_HELPERS("tracepoint/syscalls/sys_enter_getpid", tracepoint)
ALL_HELPERS("tc", sched_cls)
ALL_HELPERS("cgroup_skb/ingress", cgroup_skb)
