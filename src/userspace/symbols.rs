//! Symbol → file offset in an ELF executable or shared library, which is what a uprobe takes. The symbol's
//! virtual address is mapped through the PT_LOAD segment that contains it.

use goblin::elf::program_header::PT_LOAD;
use goblin::elf::Elf;

/// A uprobe location given as `SYMBOL`, `SYMBOL+OFFSET` or `0xOFFSET` (a raw file offset).
pub fn resolve_location(binary: &[u8], location: &str) -> Result<u64, String> {
    if let Some(hex) = location.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16)
            .map_err(|_| format!("{location:?} is not a hex offset"));
    }
    let (name, extra) = match location.rsplit_once('+') {
        Some((n, off)) => (n, parse_offset(off)?),
        None => (location, 0),
    };
    let elf = Elf::parse(binary).map_err(|e| format!("not an ELF file: {e}"))?;
    let vaddr =
        symbol_address(&elf, name).ok_or_else(|| format!("no symbol {name} in the binary"))?;
    let offset = file_offset(&elf, vaddr)
        .ok_or_else(|| format!("symbol {name} is not in a loadable segment"))?;
    Ok(offset + extra)
}

fn parse_offset(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("{text:?} is not an offset"))
}

/// The address of a defined symbol, from .symtab first (unstripped binaries) then .dynsym.
fn symbol_address(elf: &Elf<'_>, name: &str) -> Option<u64> {
    let from_symtab = elf
        .syms
        .iter()
        .find(|s| s.st_value != 0 && elf.strtab.get_at(s.st_name) == Some(name));
    let from_dynsym = || {
        elf.dynsyms
            .iter()
            .find(|s| s.st_value != 0 && elf.dynstrtab.get_at(s.st_name) == Some(name))
    };
    from_symtab.or_else(from_dynsym).map(|s| s.st_value)
}

fn file_offset(elf: &Elf<'_>, vaddr: u64) -> Option<u64> {
    elf.program_headers
        .iter()
        .find(|ph| ph.p_type == PT_LOAD && ph.p_vaddr <= vaddr && vaddr < ph.p_vaddr + ph.p_memsz)
        .map(|ph| vaddr - ph.p_vaddr + ph.p_offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    #[no_mangle]
    pub extern "C" fn ebpfctl_symbols_test_target() -> u32 {
        std::hint::black_box(7)
    }

    #[test]
    fn finds_own_function_at_its_mapped_offset() {
        let exe = std::fs::read("/proc/self/exe").unwrap();
        let offset = resolve_location(&exe, "ebpfctl_symbols_test_target").unwrap();
        let addr = ebpfctl_symbols_test_target as extern "C" fn() -> u32 as usize;
        let mapping = crate::sys::process::mapping_of(addr).unwrap();
        assert_eq!(offset as usize, addr - mapping.start + mapping.file_offset);
        assert_eq!(resolve_location(&exe, "0x10").unwrap(), 16);
        assert!(resolve_location(&exe, "no_such_symbol_anywhere").is_err());
        assert_eq!(
            resolve_location(&exe, "ebpfctl_symbols_test_target+4").unwrap(),
            offset + 4
        );
    }
}
