// Ground truth, the portable version: bi_bdev->bd_disk behind bpf_core_field_exists, bi_disk otherwise (one side
// poisoned but dead on every kernel), from a kprobe and a BTF tracepoint twin. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u32 last_major;

static __always_inline int record(struct bio *bio)
{
	struct gendisk *disk = gt_bio_disk(bio);

	last_major = BPF_CORE_READ(disk, major);
	return 0;
}

SEC("kprobe/submit_bio")
int BPF_KPROBE(on_submit, struct bio *bio)
{
	return record(bio);
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(on_queue, struct bio *bio)
{
	return record(bio);
}
