// A legacy `maps` section (struct bpf_map_def), which libbpf 1.0+ refuses to open: the inspector still reads it
// and says why the object will not load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 16,
	.map_flags = 0,
};

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int legacy_user(void *ctx)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&legacy_hash, &k) ? 2 : 1;
}
