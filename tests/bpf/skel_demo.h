/* Shared by tests/bpf/skel_demo.bpf.c and the C program that drives its generated skeleton (tests/gen_skeleton.rs),
 * as a real tool shares its event layout between kernel and user space. */
#ifndef SKEL_DEMO_H
#define SKEL_DEMO_H

struct demo_event {
	__u32 tgid;
	__u32 seq;
	char comm[16];
};

#endif
