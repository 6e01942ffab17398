// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A connection tracker's maps, written with every BTF shape real tools put in map values: 64-bit enums (named,
 * unnamed, signed), a one-byte packed enum, kflag bitfields (signed and unsigned), unions, nested anonymous structs
 * and unions (members without names), char arrays that are strings, that are not (unprintable bytes, no NUL) and
 * `unsigned char` arrays, arrays of structs, pointers kept in a struct, a typedef chain through volatile,
 * bool, __int128, an LPM-trie key and an LRU hash; floats sit in a map of their own. Globals in .rodata, .bss, .data
 * and a custom .rodata.* section use the same types, so the DATASEC shape is checked with nested values inside.
 *
 * tests/map_contract.rs loads it with both tools, runs `seed` once (BPF_PROG_TEST_RUN) and compares every map's
 * dump field by field. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum conn_state { CS_NEW = 1, CS_ESTABLISHED = 2, CS_CLOSED = 0xffffffff };

/* One byte in the value: bpftool reads it as a signed char (see the test for the value 255). */
enum __attribute__((packed)) l4_proto { L4_TCP = 6, L4_UDP = 17, L4_OTHER = 255 };

/* Values past 32 bits make clang emit ENUM64, unsigned here and signed below. */
enum conn_flags { CF_NONE = 0, CF_SEEN = 1, CF_OFFLOADED = 1ULL << 40, CF_TOP = 1ULL << 63 };
enum clock_skew { SKEW_BEHIND = -5000000000LL, SKEW_NONE = 0, SKEW_AHEAD = 5000000000LL };

typedef __u64 stamp_t;
typedef volatile stamp_t v_stamp_t;
typedef v_stamp_t first_seen_t;

union inet_addr {
	__u32 v4;
	__u8 v6[16];
};

struct port_slot {
	__u16 port;
	__u8 proto;
	__u8 hits;
};

struct conn_key {
	union inet_addr saddr;
	union inet_addr daddr;
	__u16 sport;
	__u16 dport;
	enum l4_proto proto;
	__u8 pad[3];
};

struct conn_info {
	first_seen_t first_seen;
	stamp_t last_seen;
	enum conn_state state;
	__u32 syn : 1, ack : 1, window_scale : 4, retrans : 10, : 0;
	__s32 rtt_delta : 12, reserved : 20;
	enum conn_flags flags;
	enum clock_skew skew;
	bool closing;
	enum l4_proto proto;
	char comm[16];
	char raw_tag[4];
	unsigned char mac[6];
	__s8 scores[2];
	struct port_slot slots[3];
	union {
		__u64 bytes;
		struct {
			__u32 pkts_in;
			__u32 pkts_out;
		};
	};
	struct {
		__u16 lo;
		__u16 hi;
	};
	struct task_struct *owner;
	void *cookie;
	unsigned __int128 id128;
};

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct rates {
	float loss;
	double rtt_ms;
	__u32 samples;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct conn_key);
	__type(value, struct conn_info);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, union inet_addr);
} last_peer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, enum conn_state);
} allow_nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, enum l4_proto);
	__type(value, struct port_slot);
} proto_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct rates);
} rates SEC(".maps");

/* Globals of the same types: the DATASEC shape with structs, unions, enums and strings inside. */
const volatile struct port_slot watched_port = { .port = 443, .proto = L4_TCP };
const volatile enum conn_flags default_flags = CF_SEEN;
const volatile char iface[16] = "eth0";
const volatile __u8 probe_bytes[4] SEC(".rodata.probe") = { 1, 2, 3, 4 };
const volatile enum clock_skew max_skew SEC(".rodata.probe") = SKEW_AHEAD;
struct conn_info last_conn;
union inet_addr gateway = { .v4 = 0x0101a8c0 };
enum l4_proto last_proto = L4_UDP;

SEC("tc")
int track(struct __sk_buff *skb)
{
	struct conn_key key = {};
	struct conn_info *info;

	key.sport = bpf_ntohs(skb->protocol);
	key.proto = L4_TCP;
	info = bpf_map_lookup_elem(&conns, &key);
	if (!info)
		return 0;
	info->last_seen = bpf_ktime_get_ns();
	last_proto = info->proto;
	return watched_port.port == key.sport && default_flags && iface[0] && probe_bytes[0] && max_skew;
}

static __always_inline void fill(struct conn_info *c, __u32 n)
{
	c->first_seen = 1000 + n;
	c->last_seen = 2000 + n;
	c->syn = 1;
	c->window_scale = 7;
	c->retrans = 513;
	c->rtt_delta = -5;
	c->reserved = 0xabcd;
	c->closing = n & 1;
	c->proto = L4_UDP;
	c->comm[0] = 'c';
	c->comm[1] = 'u';
	c->comm[2] = 'r';
	c->comm[3] = 'l';
	c->raw_tag[0] = 0x7f;
	c->raw_tag[1] = 'x';
	c->mac[0] = 0x02;
	c->mac[5] = 0xfe;
	c->scores[0] = -3;
	c->scores[1] = 100;
	c->slots[0].port = 80;
	c->slots[0].proto = L4_TCP;
	c->slots[2].hits = 200;
	c->pkts_in = 10 + n;
	c->pkts_out = 20;
	c->lo = 1;
	c->hi = 2;
	c->cookie = (void *)0xffff8880deadbeefULL;
	c->id128 = ((unsigned __int128)0x0123456789abcdefULL << 64) | 0xfedcba9876543210ULL;
}

/* Known contents for the dump comparison: each value hits a different case of each shape. */
SEC("socket")
int seed(struct __sk_buff *skb)
{
	struct conn_key k = { .sport = 443, .dport = 51000, .proto = L4_TCP };
	struct lpm_v4_key net = { .prefixlen = 24, .addr = { 192, 168, 1, 0 } };
	struct port_slot slot = { .port = 53, .proto = L4_UDP, .hits = 1 };
	struct conn_info c = {};
	struct rates r = { .samples = 3 };
	enum conn_state st = CS_ESTABLISHED;
	enum l4_proto p = L4_UDP;
	union inet_addr a = {};
	__u32 i = 1;

	k.saddr.v4 = 0x0100007f;
	k.daddr.v6[15] = 1;
	fill(&c, 0);
	c.state = CS_ESTABLISHED;
	c.flags = CF_OFFLOADED;
	c.skew = SKEW_BEHIND;
	bpf_map_update_elem(&conns, &k, &c, BPF_ANY);

	/* Unnamed enum values, a string without NUL, an unprintable char array. */
	k.sport = 22;
	k.proto = L4_OTHER;
	fill(&c, 1);
	c.state = 5;
	c.flags = CF_SEEN | CF_OFFLOADED;
	c.skew = 7;
	c.proto = L4_OTHER;
	c.comm[4] = 0x01;
	c.raw_tag[2] = 'y';
	c.raw_tag[3] = 'z';
	bpf_map_update_elem(&conns, &k, &c, BPF_ANY);

	/* CS_CLOSED is 0xffffffff; an unsigned 64-bit flag word past 2^63 that no name matches. */
	k.sport = 8080;
	fill(&c, 2);
	c.state = CS_CLOSED;
	c.flags = CF_TOP | CF_SEEN;
	c.skew = SKEW_AHEAD;
	c.comm[0] = 0;
	bpf_map_update_elem(&conns, &k, &c, BPF_ANY);

	a.v4 = 0x0202a8c0;
	bpf_map_update_elem(&last_peer, &i, &a, BPF_ANY);
	bpf_map_update_elem(&allow_nets, &net, &st, BPF_ANY);
	bpf_map_update_elem(&proto_slots, &p, &slot, BPF_ANY);
	r.loss = 0.25f;
	r.rtt_ms = 12.5;
	bpf_map_update_elem(&rates, &i, &r, BPF_ANY);
	fill(&last_conn, 3);
	last_conn.state = CS_NEW;
	gateway.v6[4] = 9;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
