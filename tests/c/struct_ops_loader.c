/* Registers the two tcp_congestion_ops of tests/bpf/lifecycle_struct_ops.bpf.c through a generated skeleton: the
 * skeleton's attach must register both (lc_ccl through a BPF link, lc_ccm through the map) and set their links,
 * and destroy must unregister them. Prints what the kernel lists while attached and after destroy, as JSON. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "lifecycle_struct_ops_bpf.skel.h"

static void available(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");

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
	char during[512], after[512];
	int err;

	skel = lifecycle_struct_ops_bpf__open_and_load();
	if (!skel) {
		printf("{\"error\": \"open_and_load\"}\n");
		return 1;
	}
	err = lifecycle_struct_ops_bpf__attach(skel);
	available(during, sizeof(during));
	printf("{\"attach\": %d, \"ccl_link\": %s, \"ccm_link\": %s, \"during\": \"%s\", ", err,
	       skel->links.lc_ccl ? "true" : "false", skel->links.lc_ccm ? "true" : "false", during);
	lifecycle_struct_ops_bpf__destroy(skel);
	available(after, sizeof(after));
	printf("\"after\": \"%s\"}\n", after);
	return 0;
}
