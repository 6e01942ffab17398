//! The process's effective capabilities, as the kernel reports them in /proc/self/status.

/// Capabilities that matter for BPF, with their numbers from linux/capability.h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    NetAdmin = 12,
    SysAdmin = 21,
    Perfmon = 38,
    Bpf = 39,
}

impl Capability {
    pub const BPF_RELATED: [Capability; 4] = [
        Capability::Bpf,
        Capability::Perfmon,
        Capability::NetAdmin,
        Capability::SysAdmin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Capability::NetAdmin => "CAP_NET_ADMIN",
            Capability::SysAdmin => "CAP_SYS_ADMIN",
            Capability::Perfmon => "CAP_PERFMON",
            Capability::Bpf => "CAP_BPF",
        }
    }
}

/// The effective set, or None when /proc is not mounted.
#[derive(Debug, Clone, Copy)]
pub struct CapSet(u64);

impl CapSet {
    pub fn effective() -> Option<CapSet> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        parse_cap_eff(&status).map(CapSet)
    }

    pub fn has(self, cap: Capability) -> bool {
        self.0 & (1u64 << cap as u32) != 0
    }

    /// Whether the kernel would grant what `cap` guards: CAP_SYS_ADMIN also stands for CAP_BPF and CAP_PERFMON
    /// (bpf_capable(), perfmon_capable()), not for CAP_NET_ADMIN.
    pub fn grants(self, cap: Capability) -> bool {
        self.has(cap)
            || (matches!(cap, Capability::Bpf | Capability::Perfmon)
                && self.has(Capability::SysAdmin))
    }
}

/// The names of the capabilities of `need` this process lacks, joined by " and " ("CAP_BPF and CAP_PERFMON");
/// None when it holds them all. Unknown (no /proc) counts as lacking them all.
pub fn lacking(need: &[Capability]) -> Option<String> {
    let have = CapSet::effective();
    let missing: Vec<&str> = need
        .iter()
        .filter(|c| !have.is_some_and(|h| h.grants(**c)))
        .map(|c| c.name())
        .collect();
    (!missing.is_empty()).then(|| missing.join(" and "))
}

/// What this process lacks of `needed` to use BPF ("CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)"), or None when it
/// holds them all or CAP_SYS_ADMIN, which covers them: a kernel's EPERM is then its policy, not our privileges.
pub fn missing(needed: &[Capability]) -> Option<String> {
    let caps = CapSet::effective();
    let has = |c: Capability| caps.is_some_and(|set| set.has(c));
    if has(Capability::SysAdmin) {
        return None;
    }
    let lacking: Vec<&str> = needed
        .iter()
        .filter(|c| !has(**c))
        .map(|c| c.name())
        .collect();
    Some(if lacking.is_empty() {
        Capability::SysAdmin.name().to_string()
    } else {
        format!(
            "{} (or {})",
            lacking.join(" and "),
            Capability::SysAdmin.name()
        )
    })
}

/// Clears `caps` from the calling thread's effective set (threads it starts afterwards inherit that). The
/// permitted set is kept, so this is a view "as an unprivileged user", not an irreversible drop.
pub fn drop_effective(caps: &[Capability]) -> std::io::Result<()> {
    // linux/capability.h: _LINUX_CAPABILITY_VERSION_3 uses two 32-bit data words.
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let mut header = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let mut data = [Data::default(); 2];
    // SAFETY: header and data are valid for the kernel's v3 layout (one header, two data words).
    if unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    for cap in caps {
        let bit = *cap as u32;
        data[(bit / 32) as usize].effective &= !(1u32 << (bit % 32));
    }
    // SAFETY: as above; capset only reads the structs.
    if unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn parse_cap_eff(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    u64::from_str_radix(line.trim(), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cap_eff() {
        let caps = parse_cap_eff("Name:\tx\nCapEff:\t000001ffffffffff\n")
            .map(CapSet)
            .unwrap();
        assert!(caps.has(Capability::Bpf) && caps.has(Capability::SysAdmin));
        let none = parse_cap_eff("CapEff:\t0000000000000000\n")
            .map(CapSet)
            .unwrap();
        assert!(!none.has(Capability::Bpf));
    }
}
