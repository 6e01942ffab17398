// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// The kernel's share of a map dump, for scripts/bench-map-dump.sh: BPF_MAP_LOOKUP_BATCH over a pinned hash map
// (u32 keys, 32-byte values, as the benchmark's), nothing printed. Usage: bench-map-walk PIN [BATCH_ENTRIES]
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
int main(int argc, char **argv) {
	union bpf_attr a; memset(&a, 0, sizeof a);
	a.pathname = (unsigned long)argv[1]; a.file_flags = BPF_F_RDONLY;
	int fd = syscall(__NR_bpf, BPF_OBJ_GET, &a, sizeof a);
	if (fd < 0) { perror("get"); return 1; }
	unsigned n = argc > 2 ? atoi(argv[2]) : 4096;
	char *keys = malloc(4ul * n), *vals = malloc(32ul * n);
	unsigned long long in = 0, out = 0, total = 0, calls = 0; int first = 1;
	for (;;) {
		memset(&a, 0, sizeof a);
		a.batch.in_batch = first ? 0 : (unsigned long)&in; a.batch.out_batch = (unsigned long)&out;
		a.batch.keys = (unsigned long)keys; a.batch.values = (unsigned long)vals; a.batch.count = n; a.batch.map_fd = fd;
		int rc = syscall(__NR_bpf, BPF_MAP_LOOKUP_BATCH, &a, sizeof a); calls++;
		total += a.batch.count; first = 0; in = out;
		if (rc < 0) { if (errno == ENOENT) break; perror("batch"); return 1; }
	}
	printf("%llu entries, %llu calls\n", total, calls);
	return 0;
}
