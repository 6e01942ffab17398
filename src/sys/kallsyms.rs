//! Kernel symbols from /proc/kallsyms, to name the functions behind kprobe_multi addresses.

use std::collections::HashMap;

/// A kernel function: its name and, for a module's, the module name.
#[derive(Debug, Clone)]
pub struct KernelSym {
    pub name: String,
    pub module: Option<String>,
}

/// Text symbols by address. Addresses read as 0 when kptr_restrict hides them; those are left out.
pub fn text_symbols() -> std::io::Result<HashMap<u64, KernelSym>> {
    let text = std::fs::read_to_string("/proc/kallsyms")?;
    Ok(parse(&text))
}

fn parse(text: &str) -> HashMap<u64, KernelSym> {
    let mut symbols = HashMap::new();
    for line in text.lines() {
        // ffffffff81000000 T _stext
        // ffffffffc0a01000 t veth_open\t[veth]
        let mut fields = line.split_whitespace();
        let (Some(addr), Some(kind), Some(name)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if !matches!(kind, "T" | "t" | "W" | "w") {
            continue;
        }
        let Ok(addr) = u64::from_str_radix(addr, 16) else {
            continue;
        };
        if addr == 0 {
            continue;
        }
        let module = fields
            .next()
            .map(|m| m.trim_start_matches('[').trim_end_matches(']').to_string());
        symbols.entry(addr).or_insert(KernelSym {
            name: name.to_string(),
            module,
        });
    }
    symbols
}

/// Whether a kallsyms text lists ordinary data symbols (CONFIG_KALLSYMS_ALL): without it only text symbols and a
/// few section markers are there, and neither libbpf nor the verifier can find a kernel variable's address.
/// `init_task` is a data symbol of every kernel.
pub fn lists_data_symbols(text: &str) -> bool {
    text.lines().any(|l| {
        let mut f = l.split_whitespace();
        matches!(f.nth(1), Some("D" | "d")) && f.next() == Some("init_task")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_core_and_module_symbols() {
        let syms = parse(
            "ffffffff81000000 T _stext\nffffffff81000010 D some_data\nffffffffc0a01000 t veth_open\t[veth]\n",
        );
        assert_eq!(syms[&0xffffffff81000000].name, "_stext");
        assert_eq!(syms[&0xffffffff81000000].module, None);
        assert_eq!(syms[&0xffffffffc0a01000].module.as_deref(), Some("veth"));
        assert!(!syms.contains_key(&0xffffffff81000010));
    }
}
