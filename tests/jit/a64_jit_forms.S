// The instruction forms the arm64 BPF JIT (arch/arm64/net/bpf_jit_comp.c, insn.c) emits, assembled by clang and
// disassembled by both ebpfctl (yaxpeax-arm) and binutils' aarch64 objdump in src/bpf_disasm/jit/oracle.rs:
// addresses and mnemonics must be equal, operands equal up to objdump's number base and comments.
	.text
	.arch armv8.5-a+lse+pauth+rcpc
	// prologue: BTI landing pad, return address signing, frame record, callee-saved registers, BPF frame
	bti c
	paciasp
	bti j
	bti jc
	stp x29, x30, [sp, #-16]!
	mov x29, sp
	stp x19, x20, [sp, #-16]!
	stp x21, x22, [sp, #-16]!
	stp x25, x26, [sp, #-16]!
	stp x27, x28, [sp, #-16]!
	mov x25, sp
	mov x26, #0x0
	sub x27, x25, #0x0
	sub sp, sp, #0x40
	sub sp, sp, #0x10, lsl #12
	// moves and immediates
	mov x7, x1
	mov w7, w1
	mov x10, #0x0
	mov x10, #0x1234
	movz x7, #0x1234, lsl #16
	movk x7, #0xbeef, lsl #32
	movk x7, #0xffff, lsl #48
	movn x7, #0
	mov w7, #-1
	mov x0, #0xffffffff
	// loads and stores: BPF_MEM, BPF_MEMSX, stack slots off the frame pointer
	ldr x1, [x0, #8]
	ldr w2, [x1, x2]
	ldrb w3, [x4, #3]
	ldrh w3, [x4, x5]
	ldr x1, [x0, x10]
	ldrsb x3, [x4, #1]
	ldrsh x3, [x4, #2]
	ldrsw x3, [x4, #4]
	ldrsb x3, [x4, x10]
	ldrsw x3, [x4, x10]
	str x1, [x25, #-8]
	stur x1, [x25, #-8]
	ldur x1, [x25, #-16]
	sturb w1, [x25, #-1]
	strh w1, [x0, #2]
	strb w1, [x0, x10]
	str w1, [x0, x10]
	ldp x19, x20, [sp], #16
	// atomics with LSE (ldadd/ldclr/ldeor/ldset, swp, cas and their acquire-release forms)
	ldadd x1, x2, [x3]
	ldaddal x1, x2, [x3]
	ldadd w1, w2, [x3]
	ldaddal w1, w2, [x3]
	stadd x1, [x3]
	stadd w1, [x3]
	ldclral x1, x2, [x3]
	ldsetal x1, x2, [x3]
	ldeoral x1, x2, [x3]
	ldclr x1, x2, [x3]
	ldset x1, x2, [x3]
	ldeor x1, x2, [x3]
	stclr x1, [x3]
	stset x1, [x3]
	steor x1, [x3]
	swp x1, x2, [x3]
	swpal x1, x2, [x3]
	swpal w1, w2, [x3]
	cas x1, x2, [x3]
	casal x1, x2, [x3]
	casal w1, w2, [x3]
	// atomics without LSE: exclusive pairs and barriers; load-acquire, store-release
	ldxr x1, [x3]
	stxr w4, x1, [x3]
	ldaxr x1, [x3]
	stlxr w4, x1, [x3]
	ldxr w1, [x3]
	stlxr w4, w1, [x3]
	ldar x1, [x2]
	ldarb w1, [x2]
	ldarh w1, [x2]
	ldar w1, [x2]
	stlr x1, [x2]
	stlrb w1, [x2]
	stlrh w1, [x2]
	stlr w1, [x2]
	dmb ish
	dmb ishld
	// ALU
	add x0, x1, x2
	add w0, w1, w2
	add x0, x1, #0x10
	add x0, x1, #0x10, lsl #12
	sub x0, x1, x2
	sub w0, w1, #0x1
	mul x0, x1, x2
	mul w0, w1, w2
	madd x0, x1, x2, x3
	msub x0, x1, x2, x3
	udiv x0, x1, x2
	udiv w0, w1, w2
	sdiv x0, x1, x2
	sdiv w0, w1, w2
	neg x0, x1
	neg w0, w1
	mvn x0, x1
	and x0, x1, #0xff
	and w0, w1, #0xffff
	and x0, x1, x2
	orr x0, x1, x2
	orr x0, x1, #0xff00
	eor w0, w1, w2
	eor x0, x1, #0x1
	lsl x0, x1, #3
	lsr x0, x1, #7
	asr x0, x1, #63
	asr w0, w1, #2
	lsl w0, w1, #31
	lsl x0, x1, x2
	lsr x0, x1, x2
	asr x0, x1, x2
	lsl w0, w1, w2
	uxtw x0, w1
	mov w0, w1
	sxtw x0, w1
	sxtb x0, w1
	sxth x0, w1
	uxtb w0, w1
	uxth w0, w1
	rev x0, x1
	rev w0, w1
	rev16 w0, w1
	rev32 x0, x1
	// compares and branches
	cmp x0, x1
	cmp w0, w1
	cmp x0, #0x5
	cmp w0, #0x5
	cmn x0, #1
	tst x0, #0x1
	tst x0, x1
	tst w0, w1
	b.eq 1f
	b.ne 1f
	b.hi 1f
	b.hs 1f
	b.lo 1f
	b.ls 1f
	b.gt 1f
	b.ge 1f
	b.lt 1f
	b.le 1f
	b.mi 1f
	b.cs 1f
	cbz x0, 1f
	cbnz w0, 1f
	cset x0, eq
	csel x0, x1, x2, ne
	b 1f
1:	bl 1b
	blr x10
	br x10
	ret
	// per-CPU and current task: the system registers the JIT reads
	mrs x10, sp_el0
	mrs x10, tpidr_el1
	mrs x10, tpidr_el2
	// exception and padding
	nop
	brk #0x3e8
	brk #0x800
	// epilogue: restore, authenticate, return
	mov sp, x25
	add sp, sp, #0x40
	ldp x27, x28, [sp], #16
	ldp x25, x26, [sp], #16
	ldp x21, x22, [sp], #16
	ldp x19, x20, [sp], #16
	ldp x29, x30, [sp], #16
	mov x0, x7
	autiasp
	ret
	// what the JIT emits in place of an instruction it cannot encode, and a word that is no instruction
	udf #0
	.inst 0xffffffff
