//! The system configuration bpftool reports: BPF sysctls and the kernel's build configuration.

use std::io::Read;

use crate::sys::kernel;

/// One sysctl as bpftool names it, with its /proc/sys path; -1 when unreadable (bpftool's convention).
#[derive(Debug, Clone)]
pub struct Sysctl {
    pub name: &'static str,
    pub value: i64,
}

/// One kernel config option: its value ("y", "m", "250") or None when not set or not found.
#[derive(Debug, Clone)]
pub struct KconfigOption {
    pub name: &'static str,
    pub value: Option<String>,
    /// bpftool prints only these as C macros (values that are not plain y/m switches).
    pub macro_worthy: bool,
}

#[derive(Debug, Clone)]
pub struct SystemConfig {
    pub sysctls: Vec<Sysctl>,
    pub kconfig: Vec<KconfigOption>,
    /// Where the options were read from, or why they could not be.
    pub kconfig_source: Result<String, String>,
}

const SYSCTLS: [(&str, &str); 5] = [
    (
        "unprivileged_bpf_disabled",
        "kernel.unprivileged_bpf_disabled",
    ),
    ("bpf_jit_enable", "net.core.bpf_jit_enable"),
    ("bpf_jit_harden", "net.core.bpf_jit_harden"),
    ("bpf_jit_kallsyms", "net.core.bpf_jit_kallsyms"),
    ("bpf_jit_limit", "net.core.bpf_jit_limit"),
];

/// The options bpftool 7.1 reports, in its order.
const KCONFIG: [&str; 35] = [
    "CONFIG_BPF",
    "CONFIG_BPF_SYSCALL",
    "CONFIG_HAVE_EBPF_JIT",
    "CONFIG_BPF_JIT",
    "CONFIG_BPF_JIT_ALWAYS_ON",
    "CONFIG_DEBUG_INFO_BTF",
    "CONFIG_DEBUG_INFO_BTF_MODULES",
    "CONFIG_CGROUPS",
    "CONFIG_CGROUP_BPF",
    "CONFIG_CGROUP_NET_CLASSID",
    "CONFIG_SOCK_CGROUP_DATA",
    "CONFIG_BPF_EVENTS",
    "CONFIG_KPROBE_EVENTS",
    "CONFIG_UPROBE_EVENTS",
    "CONFIG_TRACING",
    "CONFIG_FTRACE_SYSCALLS",
    "CONFIG_FUNCTION_ERROR_INJECTION",
    "CONFIG_BPF_KPROBE_OVERRIDE",
    "CONFIG_NET",
    "CONFIG_XDP_SOCKETS",
    "CONFIG_LWTUNNEL_BPF",
    "CONFIG_NET_ACT_BPF",
    "CONFIG_NET_CLS_BPF",
    "CONFIG_NET_CLS_ACT",
    "CONFIG_NET_SCH_INGRESS",
    "CONFIG_XFRM",
    "CONFIG_IP_ROUTE_CLASSID",
    "CONFIG_IPV6_SEG6_BPF",
    "CONFIG_BPF_LIRC_MODE2",
    "CONFIG_BPF_STREAM_PARSER",
    "CONFIG_NETFILTER_XT_MATCH_BPF",
    "CONFIG_BPFILTER",
    "CONFIG_BPFILTER_UMH",
    "CONFIG_TEST_BPF",
    "CONFIG_HZ",
];

pub fn read() -> SystemConfig {
    let sysctls = SYSCTLS
        .iter()
        .map(|(name, key)| Sysctl {
            name,
            value: kernel::sysctl_int(key).unwrap_or(-1),
        })
        .collect();
    let (text, kconfig_source) = match read_kconfig() {
        Ok((source, text)) => (text, Ok(source)),
        Err(reason) => (String::new(), Err(reason)),
    };
    let kconfig = KCONFIG
        .iter()
        .zip(kconfig_values(&text, &KCONFIG))
        .map(|(name, value)| KconfigOption {
            name,
            value,
            macro_worthy: *name == "CONFIG_HZ",
        })
        .collect();
    SystemConfig {
        sysctls,
        kconfig,
        kconfig_source,
    }
}

/// bpftool's search order: the distribution's /boot/config-$(uname -r), then the kernel's own /proc/config.gz.
fn read_kconfig() -> Result<(String, String), String> {
    let boot = format!("/boot/config-{}", kernel::uname().release);
    if let Ok(text) = std::fs::read_to_string(&boot) {
        return Ok((boot, text));
    }
    let gz = "/proc/config.gz";
    let compressed =
        std::fs::read(gz).map_err(|e| format!("neither {boot} nor {gz} is readable ({e})"))?;
    // The gzip trailer's ISIZE is the text's length (mod 4 GiB): one allocation instead of a buffer doubling
    // (and copying) its way up to ~200 KB. Only a hint: a wrong one costs a reallocation, never the text.
    let size = compressed
        .last_chunk::<4>()
        .map_or(0, |n| u32::from_le_bytes(*n) as usize);
    let mut text = String::with_capacity(size.min(16 << 20));
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut text)
        .map_err(|e| format!("{gz}: not a gzip-compressed kernel config ({e})"))?;
    Ok((gz.to_string(), text))
}

/// The values of `names` from `CONFIG_X=value` lines (quotes stay, as bpftool keeps them); None for "# CONFIG_X is
/// not set" and for options the text lacks. Only the asked-for values are copied: a config has ~2,000 options.
fn kconfig_values(text: &str, names: &[&str]) -> Vec<Option<String>> {
    let mut values = vec![None; names.len()];
    for (key, value) in text
        .lines()
        .filter(|l| l.starts_with("CONFIG_"))
        .filter_map(|l| l.split_once('='))
    {
        // The first line for an option wins (a config repeats none).
        if let Some(slot) = names
            .iter()
            .position(|name| *name == key)
            .map(|i| &mut values[i])
        {
            slot.get_or_insert_with(|| value.to_string());
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_set_and_unset_options() {
        let text = "# comment\nCONFIG_BPF=y\n# CONFIG_TEST_BPF is not set\nCONFIG_HZ=250\nCONFIG_X=\"a=b\"\n";
        assert_eq!(
            kconfig_values(
                text,
                &["CONFIG_HZ", "CONFIG_TEST_BPF", "CONFIG_BPF", "CONFIG_X"]
            ),
            vec![
                Some("250".into()),
                None,
                Some("y".into()),
                Some("\"a=b\"".into())
            ]
        );
    }
}
