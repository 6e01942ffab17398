// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Maps with BTF for the typed (formatted) map data tests: a struct value with an enum, a bitfield, a char array
 * and a nested struct; a struct key; a per-CPU array; numbers whose formatted form is not a plain JSON number (floats,
 * a signed bitfield, a 128-bit integer). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum typed_state { TYPED_IDLE = 0, TYPED_BUSY = 2, TYPED_GONE = 7 };

struct typed_endpoint {
	__u32 addr;
	__u16 port;
	__u16 proto;
};

struct typed_stats {
	__u64 packets;
	__s32 delta;
	enum typed_state state;
	__u32 flag_a : 1, level : 3, rest : 28;
	char comm[16];
	struct typed_endpoint peer;
	__u16 history[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct typed_stats);
} typed_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct typed_endpoint);
	__type(value, __u64);
} typed_by_peer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} typed_percpu SEC(".maps");

struct typed_numbers {
	double ratio;
	float scale;
	__s32 small : 4, rest : 28;
	__int128 wide;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct typed_numbers);
} typed_numbers SEC(".maps");

/* What a dump shows in a way JSON objects do not hold twice (two anonymous members, each under "") or holds
 * in part (a _Bool over a wider member), and an unsigned enum value no enumerator names (printed signed). */
enum typed_big { TYPED_BIG_A = 1, TYPED_BIG_B = 2 };

struct typed_anon {
	union {
		__u32 word;
		__u8 bytes[4];
	};
	union {
		__u64 wide;
		_Bool flag;
	};
	enum typed_big big;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct typed_anon);
} typed_anon SEC(".maps");

/* Global data: its formatted dump has no key. */
__u64 typed_seen;

SEC("socket")
int typed_touch(struct __sk_buff *skb)
{
	__u32 k = 0;

	typed_seen++;
	return bpf_map_lookup_elem(&typed_stats, &k) && bpf_map_lookup_elem(&typed_percpu, &k) &&
	       bpf_map_lookup_elem(&typed_numbers, &k) && bpf_map_lookup_elem(&typed_anon, &k) ? 1 : 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
