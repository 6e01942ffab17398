// Globals of each kind `--set` must type by BTF: unsigned, signed, bool, enum, char array in .rodata; .data and
// .bss integers. The program copies them into `seen` so they are all referenced.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum lc_mode { LC_MODE_OFF = 0, LC_MODE_ON = 7 };

const volatile __u32 cfg_u32 = 1;
const volatile __s16 cfg_s16 = 2;
const volatile bool cfg_bool = false;
const volatile enum lc_mode cfg_mode = LC_MODE_OFF;
const volatile char cfg_name[8] = "none";
__u64 data_u64 = 5;
__u8 bss_u8;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int lc_globals(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 v = cfg_u32 + cfg_s16 + cfg_bool + cfg_mode + cfg_name[0] + data_u64 + bss_u8;

	bpf_map_update_elem(&seen, &k, &v, 0);
	return XDP_PASS;
}
