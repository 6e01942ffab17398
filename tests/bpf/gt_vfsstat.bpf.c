// Ground truth, a VFS call counter with fentry programs and kprobe twins (the loader uses fentry where the kernel
// supports it). Loads where the kernel takes fentry programs: 5.10, 6.1 and 6.12, not this 6.18 build.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum { S_READ, S_WRITE, S_FSYNC, S_OPEN, S_CREATE, S_MAXSTAT };

__u64 stats[S_MAXSTAT] = {};

static __always_inline int inc(int key)
{
	__atomic_add_fetch(&stats[key], 1, __ATOMIC_RELAXED);
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(kprobe_vfs_read) { return inc(S_READ); }

SEC("kprobe/vfs_write")
int BPF_KPROBE(kprobe_vfs_write) { return inc(S_WRITE); }

SEC("kprobe/vfs_fsync_range")
int BPF_KPROBE(kprobe_vfs_fsync) { return inc(S_FSYNC); }

SEC("kprobe/vfs_open")
int BPF_KPROBE(kprobe_vfs_open) { return inc(S_OPEN); }

SEC("kprobe/vfs_create")
int BPF_KPROBE(kprobe_vfs_create) { return inc(S_CREATE); }

SEC("fentry/vfs_read")
int BPF_PROG(fentry_vfs_read) { return inc(S_READ); }

SEC("fentry/vfs_write")
int BPF_PROG(fentry_vfs_write) { return inc(S_WRITE); }

SEC("fentry/vfs_fsync_range")
int BPF_PROG(fentry_vfs_fsync) { return inc(S_FSYNC); }

SEC("fentry/vfs_open")
int BPF_PROG(fentry_vfs_open) { return inc(S_OPEN); }

SEC("fentry/vfs_create")
int BPF_PROG(fentry_vfs_create) { return inc(S_CREATE); }
