// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The attach types this VM's own kernel refuses, for the qemu kernel matrix (scripts/kernel-matrix.sh): compiled
 * once per type with -DMATRIX_<TYPE>, each object loaded and auto-attached by `ebpfctl prog loadall ... autoattach`
 * inside a Debian kernel; the iterator objects are also pinned straight from the file (`iter pin OBJ PATH [map
 * MAP]`). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 hits = 0;

#ifdef MATRIX_KPROBE
SEC("kprobe/vfs_read")
int matrix_kprobe(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_KPROBE_MULTI
/* A kprobe_multi link (5.18+, and only with CONFIG_FPROBE: Debian's 6.1 lacks it, 6.12 has it). */
SEC("kprobe.multi/vfs_read")
int matrix_kprobe_multi(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_FENTRY
SEC("fentry/vfs_read")
int matrix_fentry(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_LSM
SEC("lsm/file_open")
int matrix_lsm(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_ITER
/* One line "PID COMM" per task, and one hit per line: the matrix reads the pinned link (cat) and checks both. */
SEC("iter/task")
int matrix_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	__u64 pid;

	if (!task)
		return 0;
	pid = task->pid;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%llu %s\n", pid, task->comm);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_ITER_MAP
/* One line "KEY VALUE" per element of the map given at `iter pin OBJ PATH map MAP` (u32 keys, u64 values). */
SEC("iter/bpf_map_elem")
int matrix_iter_map(struct bpf_iter__bpf_map_elem *ctx)
{
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;

	if (!key || !value)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%u %llu\n", *key, *value);
	return 0;
}
#endif

#ifdef MATRIX_PROFILE
/* The target of `prog profile` in the matrix: the scheduler's raw tracepoint, so the profiler's own waiting (it
 * sleeps in steps) makes it run while it is measured. A raw tracepoint's attachment is a BPF link, pinnable on 5.10
 * too (a classic tracepoint's is a perf event there). */
SEC("raw_tp/sched_switch")
int matrix_profile(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

#ifdef MATRIX_MANY
/* 70 maps, each pinned by `prog loadall ... pinmaps` and held by nothing else: `map show` of more than 64 maps takes
 * the path with the /proc walk on its own thread and memlock read late from a new fd, and more than 64 pins make
 * the bpffs walk tell kinds by info size (cmd/select/refs.rs, sys/bpffs.rs). */
#define MANY_MAP(n) \
	struct { \
		__uint(type, BPF_MAP_TYPE_ARRAY); \
		__uint(max_entries, 1); \
		__type(key, __u32); \
		__type(value, __u64); \
	} many_##n SEC(".maps");
#define MANY_TEN(t) \
	MANY_MAP(t##0) MANY_MAP(t##1) MANY_MAP(t##2) MANY_MAP(t##3) MANY_MAP(t##4) \
	MANY_MAP(t##5) MANY_MAP(t##6) MANY_MAP(t##7) MANY_MAP(t##8) MANY_MAP(t##9)
MANY_TEN(1) MANY_TEN(2) MANY_TEN(3) MANY_TEN(4) MANY_TEN(5) MANY_TEN(6) MANY_TEN(7)

SEC("socket")
int matrix_many(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";
