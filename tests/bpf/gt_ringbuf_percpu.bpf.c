// Ground truth, one ring buffer per CPU in an array of maps, declared as falco's modern probe declares them: neither
// the outer map nor the inner ring buffer has a size in the object. The loader sizes the outer map to the number of
// CPUs and creates the inner template itself (bpf_map__set_inner_map_fd); as compiled, no kernel creates either.
#include "gt_tools.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, u32);
	__type(value, u32);
	__array(values, struct ringbuf_map);
} ringbuf_maps SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&ringbuf_maps, &cpu);
	u64 *e;

	if (!rb)
		return 0;
	e = bpf_ringbuf_reserve(rb, sizeof(*e), 0);
	if (!e)
		return 0;
	*e = bpf_get_current_pid_tgid();
	bpf_ringbuf_submit(e, 0);
	return 0;
}
