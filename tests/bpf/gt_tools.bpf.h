/* Shared by the tests/bpf/gt_*.bpf.c ground-truth corpus, the way tool collections share a bits/maps/core-fixes
 * header: log2 histograms, lookup-or-init, and CO-RE reads of fields that moved between 5.10 and 6.12. */
#ifndef GT_TOOLS_BPF_H
#define GT_TOOLS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define GT_MAX_SLOTS 27
#define GT_TASK_COMM_LEN 16
#define GT_MINORBITS 20
#define GT_MKDEV(ma, mi) (((ma) << GT_MINORBITS) | (mi))

struct gt_hist {
	__u32 slots[GT_MAX_SLOTS];
	char comm[GT_TASK_COMM_LEN];
};

static __always_inline __u64 gt_log2(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 gt_log2l(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? gt_log2(hi) + 32 : gt_log2(v);
}

static __always_inline void gt_hist_add(struct gt_hist *h, __u64 value)
{
	__u64 slot = gt_log2l(value);

	if (slot >= GT_MAX_SLOTS)
		slot = GT_MAX_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
}

static __always_inline void *gt_lookup_or_init(void *map, const void *key, const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	/* BPF_NOEXIST: another CPU may have inserted it meanwhile; either way look it up again. */
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* task_struct::state became __state in 5.14. */
struct task_struct___pre514 {
	volatile long state;
} __attribute__((preserve_access_index));

static __always_inline long gt_task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

/* bio::bi_disk became bi_bdev->bd_disk in 5.12. */
struct bio___pre512 {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *gt_bio_disk(struct bio *bio)
{
	if (bpf_core_field_exists(bio->bi_bdev))
		return BPF_CORE_READ(bio, bi_bdev, bd_disk);
	return BPF_CORE_READ((struct bio___pre512 *)bio, bi_disk);
}

/* request::rq_disk went away in 5.17 (the disk is reached through the queue). */
struct request___pre517 {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *gt_rq_disk(struct request *rq)
{
	struct request___pre517 *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

#endif
