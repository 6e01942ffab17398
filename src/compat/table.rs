//! The type of one kernel's harvested feature table (the generated `tables` module holds the values).

/// Feature probes of one kernel, harvested with `feature probe kernel --extended -j` (scripts/gen-compat-tables.sh).
pub struct KernelTable {
    /// `uname -r` of the probed kernel.
    pub release: &'static str,
    /// `uname -m` of the probed kernel: tables are matched within an architecture first.
    pub arch: &'static str,
    /// sha256 of its /sys/kernel/btf/vmlinux: a target with the same BTF is that kernel.
    pub btf_sha256: &'static str,
    /// Values in its BTF's enum bpf_prog_type, bpf_map_type, bpf_attach_type, bpf_link_type and bpf_func_id: enums
    /// only grow, so these order kernels by age.
    pub enums: [u16; 5],
    /// Program and map types by libbpf name, and program kinds by section name ("fentry", "tp_btf", "uprobe.s"),
    /// with the kernel's answer; absent means not probed or inconclusive.
    pub prog_types: &'static [(&'static str, bool)],
    pub map_types: &'static [(&'static str, bool)],
    pub kinds: &'static [(&'static str, bool)],
    /// Link types whose creation was probed (kprobe_multi, uprobe_multi): not every build that declares them can.
    pub links: &'static [(&'static str, bool)],
    /// Helper ids each program type (or kind, for the types that need an attach target) may call, as a bitmap.
    pub helpers: &'static [(&'static str, [u32; 8])],
    /// kfuncs the kernel's BTF tags as such (pahole 1.26+; older BTF tags none, and its kfuncs were not probed),
    /// and those each program type (or kind) may call, as bitmaps over `tables::KFUNC_NAMES`.
    pub kfunc_declared: &'static [u32],
    pub kfuncs: &'static [(&'static str, &'static [u32])],
    /// Whether kallsyms lists data symbols (CONFIG_KALLSYMS_ALL): the kernel resolves __ksym variables through it.
    pub kallsyms_data: Option<bool>,
    /// LINUX_KERNEL_VERSION as libbpf computed it there (from `uname -v` on Debian, whose release says x.y.0).
    pub version_code: Option<u32>,
}

/// bpf_trace_printk (6), bpf_probe_write_user (36), bpf_trace_vprintk (177): `feature probe` skips them unless
/// asked for `full`, as bpftool does.
const NOT_PROBED_HELPERS: [u32; 3] = [6, 36, 177];

impl KernelTable {
    fn lookup(list: &[(&'static str, bool)], key: &str) -> Option<bool> {
        list.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    pub fn prog_type(&self, name: &str) -> Option<bool> {
        Self::lookup(self.prog_types, name)
    }

    pub fn map_type(&self, name: &str) -> Option<bool> {
        Self::lookup(self.map_types, name)
    }

    pub fn kind(&self, name: &str) -> Option<bool> {
        Self::lookup(self.kinds, name)
    }

    pub fn link(&self, name: &str) -> Option<bool> {
        Self::lookup(self.links, name)
    }

    /// Whether programs of `key` (a program type, or a kind) may call helper `id`; None when not probed (the
    /// three helpers `feature probe` leaves out by default are never in the tables).
    pub fn helper(&self, key: &str, id: u32) -> Option<bool> {
        if NOT_PROBED_HELPERS.contains(&id) {
            return None;
        }
        let (_, bits) = self.helpers.iter().find(|(k, _)| *k == key)?;
        let word = bits.get(id as usize / 32)?;
        Some(word & (1 << (id % 32)) != 0)
    }

    /// Whether programs of `key` may call the kfunc at index `i` of `tables::KFUNC_NAMES` (the caller finds it: the
    /// generated tables refer to this type); None when that key's kfuncs were not probed or the kfunc was in no
    /// table (the kernel's BTF did not tag it).
    pub fn kfunc_at(&self, key: &str, i: usize) -> Option<bool> {
        let bit = |bits: &[u32]| bits.get(i / 32).is_some_and(|w| w & (1 << (i % 32)) != 0);
        if !bit(self.kfunc_declared) {
            return None;
        }
        let (_, bits) = self.kfuncs.iter().find(|(k, _)| *k == key)?;
        Some(bit(bits))
    }
}
