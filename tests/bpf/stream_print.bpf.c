// Writes to the program's own BPF streams, as a tool's debug build does. The kfunc was named bpf_stream_vprintk
// on 6.17, bpf_stream_vprintk_impl on 6.18 (with the verifier filling aux__prog) and bpf_stream_vprintk again on
// 7.0 with that argument implicit, so a portable object declares the 6.18 name weak and checks it exists; where
// it does not, the program says so through its return value and writes nothing.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_stream_vprintk_impl(int stream_id, const char *fmt__str, const void *args, __u32 len__sz,
				   void *aux__prog) __ksym __weak;

int runs;
int last_rc;

SEC("syscall")
int stream_print(void *ctx)
{
	static const char out_fmt[] = "run %d: hello from stdout\n";
	static const char err_fmt[] = "run %d: warning on stderr\n";
	__u64 args[1];

	if (!bpf_ksym_exists(bpf_stream_vprintk_impl))
		return 1;
	args[0] = ++runs;
	last_rc = bpf_stream_vprintk_impl(1, out_fmt, args, sizeof(args), NULL);
	bpf_stream_vprintk_impl(2, err_fmt, args, sizeof(args), NULL);
	return 0;
}
