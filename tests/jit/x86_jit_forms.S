# The instruction forms the x86-64 BPF JIT (arch/x86/net/bpf_jit_comp.c) emits, assembled by clang and
# disassembled by both ebpfctl (iced-x86) and binutils objdump in src/bpf_disasm/jit/oracle.rs: the two texts must
# be equal line by line.
	.text
	endbr64
	nopl 0x0(%rax,%rax,1)
	xchg %ax,%ax
	xor %eax,%eax
	push %rbp
	mov %rsp,%rbp
	sub $0x28,%rsp
	sub $0x1000,%rsp
	push %rbx
	push %r13
	push %r14
	push %r15
	push %rax
	mov %rdi,%rbx
	mov %edi,%ebx
	mov $0x1,%edi
	mov $0xffffffffffffffff,%rax
	movabs $0x1122334455667788,%rax
	movabs $0xffff888100000000,%r12
	mov $-1,%eax
	movzbl %al,%eax
	movzwl %ax,%eax
	movzbq 0x8(%rdi),%rax
	movzwq 0x10(%rsi),%rdx
	mov 0x18(%rdi),%eax
	mov 0x20(%rdi),%rax
	movsbq 0x8(%rdi),%rax
	movswq 0x8(%rdi),%rax
	movslq 0x8(%rdi),%rax
	movsbq %dil,%rax
	movswq %di,%rax
	movslq %edi,%rax
	movsbl %dil,%eax
	mov %dil,0x1(%rsi)
	mov %di,0x2(%rsi)
	mov %edi,-0x4(%rbp)
	mov %rdi,-0x8(%rbp)
	movb $0x1,0x2(%rdi)
	movw $0x1,0x2(%rdi)
	movl $0x1,0x2(%rdi)
	movq $0x1,0x2(%rdi)
	movq $-0x1,-0x100(%rbp)
	add %rsi,%rdi
	add $0x8,%rdi
	add $0x1000,%rdi
	add $-0x28,%rdi
	sub %esi,%edi
	and $0xff,%edi
	and $0x7fffffff,%rdi
	or %rsi,%rdi
	xor %r8,%r9
	imul %rsi,%rdi
	imul $0x7,%rdi,%rdi
	neg %rdi
	neg %edi
	shl $0x20,%rdi
	shr $0x20,%rdi
	sar $0x20,%rdi
	shl %rdi
	shl %cl,%rdi
	sar %cl,%edi
	shlx %rsi,%rdi,%rdi
	shrx %rsi,%rdi,%rdi
	sarx %esi,%edi,%edi
	ror $0x8,%di
	bswap %edi
	bswap %rdi
	movzwl %di,%edi
	push %rdx
	push %rax
	xor %edx,%edx
	div %rsi
	div %esi
	cqto
	cltd
	idiv %rsi
	idiv %esi
	pop %rdx
	pop %rax
	cmp $-1,%rsi
	cmp %rsi,%rdi
	cmp $0x21,%eax
	cmp $0x7fffffff,%rdi
	test %rdi,%rdi
	test $0x1,%dil
	test %esi,%edi
	je 1f
	jne 1f
	ja 1f
	jae 1f
	jb 1f
	jbe 1f
	jg 1f
	jge 1f
	jl 1f
	jle 1f
	js 1f
	jmp 1f
	jmp 2f
	call 2f
	lock add %rdi,0x0(%rsi)
	lock add %edi,0x8(%rsi)
	lock and %rdi,0x0(%rsi)
	lock or %edi,0x0(%rsi)
	lock xor %rdi,0x0(%rsi)
	lock xadd %rdi,0x0(%rsi)
	lock xadd %edi,0x8(%rsi)
	xchg %rdi,0x0(%rsi)
	xchg %edi,0x8(%rsi)
	lock cmpxchg %rdi,0x0(%rsi)
	lock cmpxchg %edi,0x8(%rsi)
	add %gs:0x1f0a8,%rax
	mov %gs:0x1f0a8,%rax
	mov %gs:0x0(%rax),%rax
	lfence
	mov 0x10(%rbp),%rax
	mov -0x48(%rbp),%r14d
	jmp *%rcx
	call *%rax
	nop
	nopl (%rax)
	nopl 0x0(%rax)
	nopw 0x0(%rax,%rax,1)
	nopl 0x0(%rax)
	nopl 0x0(%rax,%rax,1)
	.byte 0x0f,0x1f,0x80,0x00,0x00,0x00,0x00
	.byte 0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00
	.byte 0x66,0x0f,0x1f,0x44,0x00,0x00
	# the K8 nops older kernels pad with (5.10 under qemu's TCG starts every program with the first)
	.byte 0x66,0x66,0x66,0x66,0x90
	.byte 0x66,0x66,0x90
	.byte 0x66,0x66,0x66,0x90
	.byte 0x66,0x66,0x90,0x66,0x90
	# segment prefixes that do nothing in 64-bit mode: the 8-byte nop of 6.x, the long nops of older ones
	.byte 0x3e,0x0f,0x1f,0x80,0x00,0x00,0x00,0x00
	.byte 0x66,0x2e,0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00
	.byte 0x66,0x66,0x2e,0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00
1:	pop %r15
	pop %r14
	pop %r13
	pop %rbx
	leave
	ret
	int3
2:	ret
