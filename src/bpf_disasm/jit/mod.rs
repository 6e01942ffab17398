//! Machine code of the kernel's JIT images, disassembled in Rust for the architecture this binary runs on (the JIT
//! writes the host's instruction set). The text is binutils objdump's for the same bytes — AT&T syntax on x86-64,
//! objdump's and bpftool's default (bpftool's LLVM and libbfd disassemblers both print AT&T) — so `objdump -D -b
//! binary` on the bytes `prog dump jited … file F` writes is the oracle.

#[cfg(any(target_arch = "aarch64", test))]
mod a64;
#[cfg(target_arch = "x86_64")]
mod x86;

/// One decoded machine instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineInsn {
    /// Bytes from the start of the function.
    pub offset: usize,
    pub len: usize,
    /// The mnemonic with its prefixes (`lock add`), as objdump prints it.
    pub operation: String,
    /// The operands as objdump prints them, one string each.
    pub operands: Vec<String>,
    /// The whole instruction as objdump prints it after the address (`mov    %rsp,%rbp`), without trailing
    /// blanks (objdump pads a bare mnemonic such as `ret` to its column width).
    pub text: String,
}

impl MachineInsn {
    fn new(
        offset: usize,
        len: usize,
        operation: String,
        operands: Vec<String>,
        text: String,
    ) -> Self {
        MachineInsn {
            offset,
            len,
            operation,
            operands,
            text,
        }
    }
}

/// The JIT architectures this build disassembles; anything else is refused by name rather than shown as garbage.
pub fn disassemble(code: &[u8], address: u64) -> Result<Vec<MachineInsn>, &'static str> {
    #[cfg(target_arch = "x86_64")]
    return Ok(x86::disassemble(code, address));
    #[cfg(target_arch = "aarch64")]
    return Ok(a64::disassemble(code, address));
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = (code, address);
        Err(std::env::consts::ARCH)
    }
}

#[cfg(test)]
mod oracle;
