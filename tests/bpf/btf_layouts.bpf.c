// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Types whose C header libbpf (every bpftool) writes with another layout than the BTF's (docs/inspect.md):
 * ebpfctl's `btf dump format c` of this object must compile back to every size and offset below. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* One byte, and two bytes: plain enums to bpftool 7.1, four bytes once compiled. */
enum __attribute__((packed)) lay_small { LAY_SMALL_A = 1, LAY_SMALL_B = 200 };
enum __attribute__((packed)) lay_short { LAY_SHORT_A = 1, LAY_SHORT_B = 40000 };

/* A packed union: 4 bytes, where its 8-byte bitfield base would make it 8. */
union lay_packed_union {
	short s;
	int i;
	long long b : 24;
} __attribute__((packed));

/* __int128 is 16-aligned: at offset 8 the struct must be packed, which a pointer-size cap on alignment hides. */
struct lay_wide {
	long long a;
	__int128 w;
};
struct lay_packed_wide {
	void *p;
	struct lay_wide w;
	long long q;
} __attribute__((packed));

/* A 16-aligned-looking union at offset 17 makes the header pack the struct; its 15-byte tail must then be spelled
 * out, not left to alignment a packed struct does not do. */
union lay_u16 {
	__int128 x;
	char c;
} __attribute__((packed));
struct lay_tail {
	__int128 a;
	signed char b;
	union lay_u16 u;
};

/* A bitfield across its 8-byte unit only happens packed; the other members are where an unpacked struct has
 * them, so only the bitfield tells. */
struct lay_straddle {
	char head[6];
	signed char s;
	unsigned long long bits : 56;
	char a;
	char b;
	unsigned long long tail;
} __attribute__((packed));

/* Not packed, 20 bytes (int-aligned); a member that looks 16-aligned makes the header pack it, and then its
 * 18-byte array alone would size it. */
union lay_padded {
	unsigned int bits : 14;
	union lay_u16 wide;
	char bytes[18];
};

/* A bitfield after an ordinary member starts right there if it fits its unit; here `int :0` moved it on to bit
 * 96, and the 39 bits no longer fit below 128. libbpf expects the compiler to align it and writes no mark. */
struct lay_bitfield_after {
	short e[3];
	_Bool b[4];
	int : 0;
	unsigned long long bits : 39;
	unsigned int more : 28;
};

/* A struct packed in the source whose size hides it (4 bytes, 1-aligned) sits where an int could not, so the
 * header packs the struct around it, which hides that struct's 16-byte alignment: the union of it and 88 bytes
 * of longs is 96 bytes, not 88. */
struct lay_p4 {
	int v;
} __attribute__((packed));
struct lay_s16 {
	__int128 w;
	unsigned int bits : 17;
	struct lay_p4 p;
};
union lay_hidden_align {
	long l[11];
	struct lay_s16 s;
};

struct lay_all {
	char c;
	enum lay_small small;
	enum lay_short shrt;
	union lay_packed_union pu;
	struct lay_packed_wide pw;
	struct lay_tail tail;
	struct lay_straddle straddle;
	union lay_padded padded;
	struct lay_bitfield_after after;
	union lay_hidden_align hidden;
};

struct lay_all lay_value;

SEC("socket")
int lay_touch(struct __sk_buff *skb)
{
	return *(volatile char *)&lay_value.c;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
