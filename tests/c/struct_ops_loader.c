/* Registers the two tcp_congestion_ops of tests/bpf/lifecycle_struct_ops.bpf.c through a generated skeleton: the
 * skeleton's attach must register both (lc_ccl through a BPF link, lc_ccm through the map) and set their links,
 * and destroy must unregister them. Between open and load, lc_ccm is changed through its shadow type
 * (skel->struct_ops.lc_ccm): its flags made TCP_CONG_NON_RESTRICTED, which the kernel shows by listing it among
 * the congestion controls unprivileged sockets may choose. Prints what the kernel lists as JSON. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "lifecycle_struct_ops_bpf.skel.h"

#define TCP_CONG_NON_RESTRICTED 0x1

static void sysctl(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

int main(void)
{
	struct lifecycle_struct_ops_bpf *skel;
	char during[512], allowed[512], after[512];
	int err, shadow_init;

	skel = lifecycle_struct_ops_bpf__open();
	if (!skel) {
		printf("{\"error\": \"open\"}\n");
		return 1;
	}
	/* libbpf puts each program where its function pointer is: the shadow shows lc_ccm's init program. */
	shadow_init = skel->struct_ops.lc_ccm->init == skel->progs.lc_ccm_init &&
		      skel->struct_ops.lc_ccl->init == skel->progs.lc_ccl_init;
	skel->struct_ops.lc_ccm->flags |= TCP_CONG_NON_RESTRICTED;
	err = lifecycle_struct_ops_bpf__load(skel);
	if (err) {
		printf("{\"error\": \"load\", \"errno\": %d}\n", -err);
		return 1;
	}
	err = lifecycle_struct_ops_bpf__attach(skel);
	sysctl("/proc/sys/net/ipv4/tcp_available_congestion_control", during, sizeof(during));
	sysctl("/proc/sys/net/ipv4/tcp_allowed_congestion_control", allowed, sizeof(allowed));
	printf("{\"attach\": %d, \"ccl_link\": %s, \"ccm_link\": %s, \"shadow_init\": %s, \"during\": \"%s\", "
	       "\"allowed\": \"%s\", ",
	       err, skel->links.lc_ccl ? "true" : "false", skel->links.lc_ccm ? "true" : "false",
	       shadow_init ? "true" : "false", during, allowed);
	lifecycle_struct_ops_bpf__destroy(skel);
	sysctl("/proc/sys/net/ipv4/tcp_available_congestion_control", after, sizeof(after));
	printf("\"after\": \"%s\"}\n", after);
	return 0;
}
