/* A loader written against a generated skeleton the way a libbpf-tools program is: open, configure .rodata, pick
 * one of two alternatives for the hook by autoload, load, attach, trigger, read the ring buffer and the globals,
 * reach the same globals through a subskeleton of the object, destroy. Built by tests/gen_skeleton.rs once with
 * ebpfctl's headers and once with bpftool's; it prints one JSON object of what it saw.
 *
 *     skel_demo_loader ELF_OUT      (writes the skeleton's embedded ELF bytes to ELF_OUT) */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "skel_demo.h"
#include "skel_demo_bpf.skel.h"
#include "skel_demo_lib.subskel.h"

#define CALLS 5

static int events_seen;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct demo_event *e = data;

	(void)ctx;
	if (len == sizeof(*e) && e->tgid == (__u32)getpid())
		events_seen++;
	return 0;
}

static int fail(const char *what, int err)
{
	printf("{\"error\": \"%s\", \"errno\": %d}\n", what, err);
	return 1;
}

int main(int argc, char **argv)
{
	struct skel_demo_bpf *skel;
	struct skel_demo_lib *lib;
	struct ring_buffer *rb;
	const void *elf;
	size_t elf_size;
	FILE *out;
	int i, err;

	if (argc != 2)
		return 2;
	skel = skel_demo_bpf__open();
	if (!skel)
		return fail("open", errno);
	skel->rodata->target_tgid = getpid();
	skel->rodata->nr_getppid = SYS_getppid;
	/* Both programs hook getppid; this loader keeps the tracepoint one, as a tool picks what the kernel has. */
	bpf_program__set_autoload(skel->progs.on_getppid_raw, false);
	err = skel_demo_bpf__load(skel);
	if (err)
		return fail("load", -err);
	lib = skel_demo_lib__open(skel->obj);
	if (!lib)
		return fail("subskeleton open", errno);
	err = skel_demo_bpf__attach(skel);
	if (err)
		return fail("attach", -err);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb)
		return fail("ring_buffer__new", errno);
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	ring_buffer__consume(rb);

	elf = skel_demo_bpf__elf_bytes(&elf_size);
	out = fopen(argv[1], "wb");
	if (!out || fwrite(elf, 1, elf_size, out) != elf_size || fclose(out))
		return fail("write elf", errno);

	printf("{\"hits\": %llu, \"events\": %d, \"totals_events\": %llu, \"dropped\": %u, \"custom_counter\": %llu, "
	       "\"generation\": %d, \"label\": \"%s\", \"tag\": [%u, %u, %u], \"last_seq\": %u, \"last_tgid_is_me\": %s, "
	       "\"lib_hits\": %llu, \"lib_is_skel\": %s, \"tp_linked\": %s, \"raw_linked\": %s, "
	       "\"hash_map_type\": %d, \"elf_size\": %zu}\n",
	       (unsigned long long)skel->bss->hits, events_seen, (unsigned long long)skel->bss->totals.events,
	       skel->bss->totals.dropped, (unsigned long long)skel->data_custom->custom_counter,
	       skel->data->generation, skel->data->label, skel->rodata->tag[0], skel->rodata->tag[1],
	       skel->rodata->tag[2], skel->bss->last.seq, skel->bss->last.tgid == (__u32)getpid() ? "true" : "false",
	       (unsigned long long)*lib->bss.hits, lib->bss.hits == &skel->bss->hits ? "true" : "false",
	       skel->links.on_getppid_tp ? "true" : "false", skel->links.on_getppid_raw ? "true" : "false",
	       bpf_map__type(lib->maps.per_tgid), elf_size);
	ring_buffer__free(rb);
	skel_demo_lib__destroy(lib);
	skel_demo_bpf__destroy(skel);
	return 0;
}
