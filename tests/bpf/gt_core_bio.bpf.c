// Ground truth, a block tracer that reads bio->bi_disk without a guard: the field went away in 5.12 (bi_bdev took
// its place), so the read resolves on 5.10 only.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u32 last_major;

SEC("kprobe/submit_bio")
int BPF_KPROBE(on_submit, struct bio *bio)
{
	struct gendisk *disk = BPF_CORE_READ((struct bio___pre512 *)bio, bi_disk);

	last_major = BPF_CORE_READ(disk, major);
	return 0;
}
