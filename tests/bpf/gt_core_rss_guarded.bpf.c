// Ground truth, the same memory reporter written portably: bpf_core_type_matches() picks the pre-6.2 layout or the
// percpu_counter array, each read through its own flavor. Loads on every kernel.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

struct mm_struct___v62 {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

__s64 file_pages;

SEC("tp/sched/sched_process_exit")
int on_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	void *mm = BPF_CORE_READ(t, mm);

	if (bpf_core_type_exists(struct mm_rss_stat___pre62))
		file_pages = BPF_CORE_READ((struct mm_struct___pre62 *)mm, rss_stat.count[0].counter);
	else
		file_pages = BPF_CORE_READ((struct mm_struct___v62 *)mm, rss_stat[0].count);
	return 0;
}
