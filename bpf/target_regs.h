/* Registers for libbpf's PT_REGS_* macros (bpf_tracing.h) on the architecture named by __TARGET_ARCH_*, which build.rs
 * sets from the Rust target: x86 for x86_64, arm64 for aarch64.
 *
 * vmlinux.h is generated from an x86_64 kernel. Its types serve every architecture through CO-RE, except the
 * registers: on x86 PT_REGS_* read vmlinux.h's struct pt_regs (CO-RE-relocated), on arm64 they read struct
 * user_pt_regs, which an x86 kernel does not have. That one is UAPI (arch/arm64/include/uapi/asm/ptrace.h), the first
 * member of arm64's kernel pt_regs at offset 0, so its fixed layout is declared here, without CO-RE. */
#pragma once

#if defined(__TARGET_ARCH_arm64)
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};
#elif !defined(__TARGET_ARCH_x86)
#error "bpf/target_regs.h knows the registers of x86 and arm64 only"
#endif
