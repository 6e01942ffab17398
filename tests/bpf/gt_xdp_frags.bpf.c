// Ground truth, a multi-buffer aware XDP program (SEC("xdp.frags") loads with BPF_F_XDP_HAS_FRAGS, 5.18) reading
// the whole frame length with bpf_xdp_get_buff_len. 5.10 knows neither the flag nor the helper: refused there.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 big_frames;

SEC("xdp.frags")
int xdp_count_jumbo(struct xdp_md *ctx)
{
	if (bpf_xdp_get_buff_len(ctx) > 4096)
		big_frames++;
	return XDP_PASS;
}
