/* A loader written against a light skeleton (`gen skeleton -L`) of tests/bpf/skel_demo.bpf.c, as a tool that
 * cannot carry libbpf writes one: open, configure .rodata, load (skel_internal.h runs libbpf's loader program),
 * attach (the raw tracepoint alternative: a light skeleton loads every program and attaches raw tracepoints
 * itself), trigger, read the globals and ask the kernel about the fds the loader left, destroy. Built by
 * tests/gen_skeleton.rs once with ebpfctl's header and once with bpftool's; it prints one JSON object.
 * It uses bpf(2) directly, not libbpf, as the programs such headers are for do. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/types.h>
#include "skel_demo.h"
#include "skel_demo_bpf.lskel.h"

#define CALLS 5

static int fail(const char *what, int err)
{
	printf("{\"error\": \"%s\", \"errno\": %d}\n", what, err);
	return 1;
}

/* The kernel's name and type of a program or map fd (BPF_OBJ_GET_INFO_BY_FD). */
static int info_of(int fd, void *info, __u32 len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(info, 0, len);
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = (__u64)(unsigned long)info;
	return syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

int main(void)
{
	struct skel_demo_bpf *skel;
	struct bpf_prog_info tp, raw;
	struct bpf_map_info per_tgid, bss;
	int i, err, raw_fd, tp_prog_fd;
	__u64 value = 0;
	__u32 key;
	union bpf_attr attr;

	skel = skel_demo_bpf__open();
	if (!skel)
		return fail("open", errno);
	skel->rodata->target_tgid = getpid();
	skel->rodata->nr_getppid = SYS_getppid;
	err = skel_demo_bpf__load(skel);
	if (err)
		return fail("load", -err);
	err = skel_demo_bpf__attach(skel);
	if (err)
		return fail("attach", -err);
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getppid);

	if (info_of(skel->progs.on_getppid_tp.prog_fd, &tp, sizeof(tp)) ||
	    info_of(skel->progs.on_getppid_raw.prog_fd, &raw, sizeof(raw)) ||
	    info_of(skel->maps.per_tgid.map_fd, &per_tgid, sizeof(per_tgid)) ||
	    info_of(skel->maps.bss.map_fd, &bss, sizeof(bss)))
		return fail("info", errno);
	/* The .bss the skeleton maps is the map's own memory: a lookup sees the same hits. */
	memset(&attr, 0, sizeof(attr));
	key = 0;
	{
		static __u8 whole[4096];

		attr.map_fd = skel->maps.bss.map_fd;
		attr.key = (__u64)(unsigned long)&key;
		attr.value = (__u64)(unsigned long)whole;
		if (syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)))
			return fail("lookup", errno);
		memcpy(&value, whole, sizeof(value));
	}
	printf("{\"hits\": %llu, \"hits_by_lookup\": %llu, \"totals_events\": %llu, \"dropped\": %u, "
	       "\"custom_counter\": %llu, \"generation\": %d, \"last_seq\": %u, \"last_tgid_is_me\": %s, "
	       "\"label\": \"%s\", \"tag\": [%u, %u, %u], ",
	       (unsigned long long)skel->bss->hits, (unsigned long long)value,
	       (unsigned long long)skel->bss->totals.events, skel->bss->totals.dropped,
	       (unsigned long long)skel->data_custom->custom_counter, skel->data->generation, skel->bss->last.seq,
	       skel->bss->last.tgid == (__u32)getpid() ? "true" : "false", skel->data->label, skel->rodata->tag[0],
	       skel->rodata->tag[1], skel->rodata->tag[2]);
	printf("\"tp_prog\": \"%s\", \"tp_type\": %u, \"raw_prog\": \"%s\", \"raw_type\": %u, "
	       "\"per_tgid_type\": %u, \"per_tgid_max_entries\": %u, \"bss_map_flags\": %u, "
	       "\"tp_linked\": %s, \"raw_linked\": %s, ",
	       tp.name, tp.type, raw.name, raw.type, per_tgid.type, per_tgid.max_entries, bss.map_flags,
	       skel->links.on_getppid_tp_fd > 0 ? "true" : "false",
	       skel->links.on_getppid_raw_fd > 0 ? "true" : "false");
	raw_fd = skel->links.on_getppid_raw_fd;
	tp_prog_fd = skel->progs.on_getppid_tp.prog_fd;
	skel_demo_bpf__destroy(skel);
	/* destroy closes every fd the loader and attach left in this process. */
	printf("\"closed_on_destroy\": %s}\n",
	       fcntl(raw_fd, F_GETFD) < 0 && fcntl(tp_prog_fd, F_GETFD) < 0 ? "true" : "false");
	return 0;
}
