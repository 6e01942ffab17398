//! Kernel symbols from /proc/kallsyms, to name the functions behind kprobe_multi addresses.

use std::io::Read;

/// A kernel function: its name and, for a module's, the module name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelSym<'a> {
    pub name: &'a str,
    pub module: Option<&'a str>,
}

/// The text symbols of /proc/kallsyms, by address. Compact on purpose: the file lists ~120k symbols (6 MB of
/// text the kernel formats on every read), and a map of owned strings made `prog dump xlated` spend more time
/// zeroing fresh pages and hashing than the kernel spent producing the file.
#[derive(Debug, Default)]
pub struct TextSymbols {
    /// (address, name start, name end, module start, module end) into `strings`, sorted by address; the first
    /// listed symbol of an address wins.
    entries: Vec<(u64, u32, u32, u32, u32)>,
    strings: String,
}

impl TextSymbols {
    pub fn at(&self, addr: u64) -> Option<KernelSym<'_>> {
        let i = self.entries.partition_point(|e| e.0 < addr);
        let &(a, ns, ne, ms, me) = self.entries.get(i)?;
        (a == addr).then(|| KernelSym {
            name: &self.strings[ns as usize..ne as usize],
            module: (me > ms).then(|| &self.strings[ms as usize..me as usize]),
        })
    }

    pub fn addr_of(&self, name: &str) -> Option<u64> {
        self.entries
            .iter()
            .find(|e| &self.strings[e.1 as usize..e.2 as usize] == name)
            .map(|e| e.0)
    }

    fn push_line(&mut self, line: &[u8]) {
        // ffffffff81000000 T _stext
        // ffffffffc0a01000 t veth_open\t[veth]
        let mut fields = line.splitn(3, |&b| b == b' ');
        let (Some(addr), Some(kind), Some(rest)) = (fields.next(), fields.next(), fields.next())
        else {
            return;
        };
        if !matches!(kind, b"T" | b"t" | b"W" | b"w") {
            return;
        }
        let Some(addr) = std::str::from_utf8(addr)
            .ok()
            .and_then(|a| u64::from_str_radix(a, 16).ok())
            .filter(|a| *a != 0)
        else {
            return;
        };
        let (name, module) = match rest.iter().position(|&b| b == b'\t') {
            Some(tab) => (&rest[..tab], Some(&rest[tab + 1..])),
            None => (rest, None),
        };
        let module = module.map(|m| {
            let m = m.trim_ascii();
            let m = m.strip_prefix(b"[").unwrap_or(m);
            m.strip_suffix(b"]").unwrap_or(m)
        });
        let (Ok(name), Ok(module)) = (
            std::str::from_utf8(name.trim_ascii()),
            module.map(std::str::from_utf8).transpose(),
        ) else {
            return;
        };
        let start = self.strings.len() as u32;
        self.strings.push_str(name);
        let name_end = self.strings.len() as u32;
        self.strings.push_str(module.unwrap_or(""));
        let end = self.strings.len() as u32;
        self.entries.push((addr, start, name_end, name_end, end));
    }

    fn finish(mut self) -> TextSymbols {
        // Stable: of two symbols at one address, the first listed stays first.
        self.entries.sort_by_key(|e| e.0);
        self.entries.dedup_by_key(|e| e.0);
        self
    }
}

/// Text symbols by address, read in chunks (the file is never held whole). Addresses read as 0 when
/// kptr_restrict hides them; those are left out.
pub fn text_symbols() -> std::io::Result<TextSymbols> {
    let file = std::fs::File::open("/proc/kallsyms")?;
    parse_from(file)
}

fn parse_from(mut input: impl Read) -> std::io::Result<TextSymbols> {
    let mut symbols = TextSymbols::default();
    let mut buf = vec![0u8; 1 << 16];
    let mut filled = 0;
    loop {
        let n = input.read(&mut buf[filled..])?;
        filled += n;
        let done = n == 0;
        let mut start = 0;
        while let Some(nl) = buf[start..filled].iter().position(|&b| b == b'\n') {
            symbols.push_line(&buf[start..start + nl]);
            start += nl + 1;
        }
        if done {
            symbols.push_line(&buf[start..filled]);
            return Ok(symbols.finish());
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            // A line longer than the buffer: no symbol is that long; drop it.
            filled = 0;
        }
    }
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
        let text = "ffffffff81000010 D some_data\nffffffffc0a01000 t veth_open\t[veth]\n\
                    ffffffff81000000 T _stext\nffffffff81000000 t _stext_alias\n0000000000000000 T hidden\n\
                    ffffffff81000020 T no_newline_at_end";
        // Chunks smaller than a line: lines are put back together across reads.
        let syms = parse_from(Chunked(text.as_bytes(), 7)).unwrap();
        assert_eq!(syms.at(0xffffffff81000000).unwrap().name, "_stext");
        assert_eq!(syms.at(0xffffffff81000000).unwrap().module, None);
        assert_eq!(syms.at(0xffffffffc0a01000).unwrap().module, Some("veth"));
        assert_eq!(syms.at(0xffffffffc0a01000).unwrap().name, "veth_open");
        assert!(syms.at(0xffffffff81000010).is_none());
        assert_eq!(syms.addr_of("no_newline_at_end"), Some(0xffffffff81000020));
        assert_eq!(syms.addr_of("hidden"), None);
    }

    struct Chunked<'a>(&'a [u8], usize);

    impl Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
}
