//! What `compat check` knows about one target kernel besides its BTF: the feature table probed on the nearest
//! kernel (which program types may call which helpers and kfuncs, which program kinds and map types it takes), the
//! kernel's symbols when they are known (the running kernel, or `--kallsyms FILE`), its kconfig and version when
//! known, and the few facts its BTF gives away (enum values, functions, types).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::table::KernelTable;
use super::tables::TABLES;
use crate::btf::{Btf, Kind};

/// Which table a target uses and why.
#[derive(Debug, Clone, Serialize)]
pub struct TableChoice {
    pub release: &'static str,
    /// "same BTF" or "nearest by BTF enums".
    #[serde(rename = "match")]
    pub how: &'static str,
}

/// Kernel symbols (kallsyms, or System.map): names, and whether data symbols are listed at all.
#[derive(Debug, Default)]
pub struct Symbols {
    pub names: HashSet<String>,
    pub has_data: bool,
    /// Functions ftrace can attach to (available_filter_functions), when readable: a kprobe needs one of these or a
    /// kallsyms text symbol.
    pub traceable: Option<HashSet<String>>,
}

impl Symbols {
    /// Parses `/proc/kallsyms` or System.map text ("ADDR TYPE NAME [MODULE]").
    pub fn parse(text: &str) -> Symbols {
        let mut out = Symbols {
            has_data: crate::sys::kallsyms::lists_data_symbols(text),
            ..Symbols::default()
        };
        for line in text.lines() {
            if let Some(name) = line.split_whitespace().nth(2) {
                out.names.insert(name.to_string());
            }
        }
        out
    }
}

/// A `--kconfig` file, or the running kernel's config: option → value as written (`y`, `m`, `n`, `"str"`, `42`).
pub type Kconfig = HashMap<String, String>;

/// Names of a kernel BTF's types by kind, indexed once per target: the checks look up hundreds of names and a
/// vmlinux BTF has over 100 000 types.
struct NameIndex<'a> {
    ids: HashMap<(Kind, &'a str), u32>,
    enums: HashMap<&'a str, HashSet<&'a str>>,
}

const INDEXED: [Kind; 7] = [
    Kind::Func,
    Kind::Typedef,
    Kind::Struct,
    Kind::Union,
    Kind::Var,
    Kind::Enum,
    Kind::Enum64,
];

impl<'a> NameIndex<'a> {
    fn new(btf: &'a Btf) -> Self {
        let mut ids = HashMap::new();
        let mut enums: HashMap<&str, HashSet<&str>> = HashMap::new();
        for id in 1..btf.type_count() {
            let Some(t) = btf.type_by_id(id) else {
                continue;
            };
            let kind = t.kind();
            if !INDEXED.contains(&kind) || t.name().is_empty() {
                continue;
            }
            ids.entry((kind, t.name())).or_insert(id);
            if matches!(kind, Kind::Enum | Kind::Enum64) && t.name().starts_with("bpf_") {
                enums
                    .entry(t.name())
                    .or_default()
                    .extend(t.enum_values().map(|v| v.name));
            }
        }
        NameIndex { ids, enums }
    }
}

/// One target kernel as the checks see it.
pub struct KernelView<'a> {
    pub btf: &'a Btf,
    index: NameIndex<'a>,
    pub table: Option<&'static KernelTable>,
    pub choice: Option<TableChoice>,
    pub symbols: Option<&'a Symbols>,
    pub kconfig: Option<&'a Kconfig>,
    /// LINUX_KERNEL_VERSION as libbpf computes it, when known (the running kernel).
    pub version: Option<u32>,
    /// The running kernel: tracefs, LSM list and kprobe support can be looked at.
    pub live: bool,
}

impl<'a> KernelView<'a> {
    /// A view of `btf` with the table that matches it (same sha256) or the nearest one by its enums.
    pub fn new(btf: &'a Btf) -> KernelView<'a> {
        let (table, choice) = match choose_table(btf) {
            Some((t, c)) => (Some(t), Some(c)),
            None => (None, None),
        };
        // LINUX_KERNEL_VERSION: that of the kernel whose table matched (exact for the same BTF, an estimate for the
        // nearest; from its release for a table harvested before it was recorded); the running kernel's is set by
        // the caller.
        let version = table.and_then(|t| {
            t.version_code
                .or_else(|| crate::sys::kernel::version_code(t.release))
        });
        KernelView {
            btf,
            index: NameIndex::new(btf),
            table,
            choice,
            symbols: None,
            kconfig: None,
            version,
            live: false,
        }
    }

    /// Whether `enum name` (one of the kernel's bpf_* enums) has value `value`; None when the BTF has no such enum.
    pub fn enum_has(&self, enum_name: &str, value: &str) -> Option<bool> {
        Some(self.index.enums.get(enum_name)?.contains(value))
    }

    /// The id of the type named `name` of kind `kind` (FUNC, TYPEDEF, STRUCT, UNION, VAR, ENUM, ENUM64).
    pub fn find(&self, name: &str, kind: Kind) -> Option<u32> {
        self.index.ids.get(&(kind, name)).copied()
    }

    pub fn has_func(&self, name: &str) -> bool {
        self.find(name, Kind::Func).is_some()
    }

    pub fn helper_known(&self, helper: &str) -> Option<bool> {
        let v = format!("BPF_FUNC_{}", helper.strip_prefix("bpf_").unwrap_or(helper));
        self.enum_has("bpf_func_id", &v)
    }

    /// Calls into the kernel (kfuncs) and subprogram addresses as operands (callbacks) came together in 5.13, with
    /// bpf_for_each_map_elem: a kernel whose BTF lacks that helper has neither.
    pub fn has_kfunc_calls(&self) -> Option<bool> {
        self.helper_known("bpf_for_each_map_elem")
    }
}

fn enum_count(btf: &Btf, name: &str) -> u16 {
    let id = btf
        .find_by_name(name, Kind::Enum)
        .or_else(|| btf.find_by_name(name, Kind::Enum64));
    id.and_then(|id| btf.get(id).ok())
        .map_or(0, |t| t.enum_values().count() as u16)
}

/// The enum sizes a table is matched by.
pub fn enum_counts(btf: &Btf) -> [u16; 5] {
    [
        enum_count(btf, "bpf_prog_type"),
        enum_count(btf, "bpf_map_type"),
        enum_count(btf, "bpf_attach_type"),
        enum_count(btf, "bpf_link_type"),
        enum_count(btf, "bpf_func_id"),
    ]
}

pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The architecture a kernel BTF was built for, as `uname -m` names it: arm64 kernels have the UAPI register
/// struct `user_pt_regs`, x86 kernels do not.
fn btf_arch(btf: &Btf) -> &'static str {
    if btf.find_by_name("user_pt_regs", Kind::Struct).is_some() {
        "aarch64"
    } else {
        "x86_64"
    }
}

/// The table probed on this very kernel (same BTF), or else on the kernel whose enums are closest (every
/// release adds attach types, map types or helpers, so the nearest enums are the nearest release).
fn choose_table(btf: &Btf) -> Option<(&'static KernelTable, TableChoice)> {
    if TABLES.is_empty() {
        return None;
    }
    let sha = sha256_hex(btf.raw_data());
    if let Some(t) = TABLES.iter().find(|t| t.btf_sha256 == sha) {
        return Some((
            t,
            TableChoice {
                release: t.release,
                how: "same BTF",
            },
        ));
    }
    let mine = enum_counts(btf);
    let arch = btf_arch(btf);
    // Kernels of one release have the same enums on every architecture, but not the same features (arm64's JIT
    // gained trampolines later, Debian builds arm64 without data symbols in kallsyms on some releases): the
    // target's own architecture decides first.
    let distance = |t: &KernelTable| -> (bool, u32) {
        let enums = t
            .enums
            .iter()
            .zip(mine)
            .map(|(a, b)| (i32::from(*a) - i32::from(b)).unsigned_abs())
            .sum();
        (t.arch != arch, enums)
    };
    let t = TABLES.iter().min_by_key(|t| distance(t))?;
    Some((
        t,
        TableChoice {
            release: t.release,
            how: "nearest by BTF enums",
        },
    ))
}

/// The largest kernel config `--kconfig` unpacks (a real one is well under 1 MiB).
const MAX_KCONFIG: u64 = 64 << 20;

/// A kernel config, text (`CONFIG_X=y` lines) or gzip (/proc/config.gz), as option → value. `CONFIG_X=n` sets the
/// option: libbpf gives a bool/tristate/char extern the value n; only an absent option (or the `# CONFIG_X is not
/// set` comment) leaves a strong extern unresolved.
pub fn parse_kconfig(raw: &[u8]) -> Result<Kconfig, String> {
    use std::io::Read;
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        // A kernel config is a few hundred KiB; a gzip bomb must not expand into all of memory.
        flate2::read::GzDecoder::new(raw)
            .take(MAX_KCONFIG + 1)
            .read_to_string(&mut s)
            .map_err(|e| format!("bad gzip kernel config: {e}"))?;
        if s.len() as u64 > MAX_KCONFIG {
            return Err(format!(
                "kernel config larger than {} MiB unpacked",
                MAX_KCONFIG >> 20
            ));
        }
        s
    } else {
        String::from_utf8(raw.to_vec())
            .map_err(|_| "unknown kernel config format (not text or gzip)".to_string())?
    };
    let mut config = Kconfig::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if k.starts_with("CONFIG_") => {
                config.insert(k.to_string(), v.to_string());
            }
            _ => return Err(format!("unknown kernel config format: line {line:?}")),
        }
    }
    Ok(config)
}

/// What the running kernel shows about itself: kallsyms (and the functions ftrace can attach to), its config
/// where libbpf would read it, and its version.
pub struct LiveFacts {
    pub symbols: Option<Symbols>,
    pub kconfig: Option<Kconfig>,
    pub version: Option<u32>,
}

impl LiveFacts {
    pub fn read() -> LiveFacts {
        let uname = crate::sys::kernel::uname();
        let release = &uname.release;
        let symbols = std::fs::read_to_string("/proc/kallsyms").ok().map(|t| {
            let mut s = Symbols::parse(&t);
            s.traceable = [crate::sys::fs::TRACEFS_PATH, "/sys/kernel/debug/tracing"]
                .iter()
                .find_map(|root| {
                    std::fs::read_to_string(format!("{root}/available_filter_functions")).ok()
                })
                .map(|t| {
                    t.lines()
                        .filter_map(|l| l.split_whitespace().next())
                        .map(str::to_string)
                        .collect()
                });
            s
        });
        // Where libbpf looks, in its order.
        let kconfig = [
            "/proc/config.gz".to_string(),
            format!("/boot/config-{release}"),
        ]
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .and_then(|raw| parse_kconfig(&raw).ok());
        LiveFacts {
            symbols,
            kconfig,
            version: crate::sys::kernel::libbpf_version_code(&uname),
        }
    }
}
