// Ground truth for `feature probe --extended`'s kfunc lists: one real program per (program type, kfunc), named
// TYPE__KFUNC; a pair like bpf_task_from_pid/bpf_task_release counts as the first one's program.
// Not here: bpf_cast_to_kern_ctx. The verifier allows it in every program type, but in tracepoint programs the
// kernel context is not a struct and the call fails on its argument ("kern ctx type id N is not a struct"): the
// probe answers "may this program type call it", not "is every use valid".
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;

#define BODY_bpf_task_from_pid     struct task_struct *t = bpf_task_from_pid(1); if (t) bpf_task_release(t); return 0;
#define BODY_bpf_rcu_read_lock     bpf_rcu_read_lock(); bpf_rcu_read_unlock(); return 0;
#define BODY_bpf_cgroup_from_id    struct cgroup *c = bpf_cgroup_from_id(1); if (c) bpf_cgroup_release(c); return 0;

#define PROG(sec, type, kfunc) \
	SEC(sec) int type##__##kfunc(void *ctx) { BODY_##kfunc }

#define ALL_KFUNCS(sec, type) \
	PROG(sec, type, bpf_task_from_pid) \
	PROG(sec, type, bpf_rcu_read_lock) \
	PROG(sec, type, bpf_cgroup_from_id)

ALL_KFUNCS("socket", socket_filter)
ALL_KFUNCS("xdp", xdp)
ALL_KFUNCS("kprobe/do_nanosleep", kprobe)
ALL_KFUNCS("tracepoint/syscalls/sys_enter_getpid", tracepoint)
ALL_KFUNCS("tc", sched_cls)
ALL_KFUNCS("cgroup_skb/ingress", cgroup_skb)
ALL_KFUNCS("syscall", syscall)
