//! GPL-only helpers: the verifier refuses a call to one from a program whose license is not GPL-compatible
//! ("cannot call GPL-restricted function from non-GPL compatible program"), on every kernel. The flag lives in
//! the kernel's bpf_func_proto tables, not in BTF, so it is listed here: the helpers whose every prototype has
//! `.gpl_only = true` in mainline since they appeared.

/// Helper ids (enum bpf_func_id) of the GPL-only helpers.
const GPL_ONLY: &[u32] = &[
    4,   // bpf_probe_read
    6,   // bpf_trace_printk
    22,  // bpf_perf_event_read
    25,  // bpf_perf_event_output
    27,  // bpf_get_stackid
    35,  // bpf_get_current_task
    36,  // bpf_probe_write_user
    45,  // bpf_probe_read_str
    55,  // bpf_perf_event_read_value
    58,  // bpf_override_return
    67,  // bpf_get_stack
    111, // bpf_skb_output
    112, // bpf_probe_read_user
    113, // bpf_probe_read_kernel
    114, // bpf_probe_read_user_str
    115, // bpf_probe_read_kernel_str
    121, // bpf_xdp_output
    126, // bpf_seq_printf
    127, // bpf_seq_write
    158, // bpf_get_current_task_btf
    177, // bpf_trace_vprintk
];

pub fn is_gpl_only(helper: u32) -> bool {
    GPL_ONLY.contains(&helper)
}

/// The kernel's license_is_gpl_compatible(): these exact strings, nothing else (no license is not GPL).
pub fn is_gpl_compatible(license: Option<&str>) -> bool {
    matches!(
        license,
        Some(
            "GPL"
                | "GPL v2"
                | "GPL and additional rights"
                | "Dual BSD/GPL"
                | "Dual MIT/GPL"
                | "Dual MPL/GPL"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::helpers::HELPER_NAMES;

    #[test]
    fn the_list_names_the_helpers_it_means() {
        for (id, name) in [
            (4, "bpf_probe_read"),
            (6, "bpf_trace_printk"),
            (25, "bpf_perf_event_output"),
            (113, "bpf_probe_read_kernel"),
            (177, "bpf_trace_vprintk"),
        ] {
            assert!(is_gpl_only(id));
            assert_eq!(HELPER_NAMES[id as usize], name);
        }
        assert!(!is_gpl_only(1), "bpf_map_lookup_elem is for everyone");
    }

    #[test]
    fn licenses_are_compared_as_the_kernel_does() {
        assert!(is_gpl_compatible(Some("Dual BSD/GPL")));
        assert!(!is_gpl_compatible(Some("gpl")));
        assert!(!is_gpl_compatible(Some("BSD")));
        assert!(!is_gpl_compatible(None));
    }
}
