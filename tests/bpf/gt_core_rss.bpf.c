// Ground truth, a memory reporter that reads mm->rss_stat.count[] directly. 6.2 turned rss_stat into an array of
// percpu_counter: the unguarded CO-RE read resolves on 5.10 and 6.1 and cannot be relocated on 6.12 and later.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

__s64 file_pages;

SEC("tp/sched/sched_process_exit")
int on_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct___pre62 *mm = (void *)BPF_CORE_READ(t, mm);

	file_pages = BPF_CORE_READ(mm, rss_stat.count[0].counter);
	return 0;
}
