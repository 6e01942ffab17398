//! `ebpfctl token show|list`: the bpffs mounts with delegate_* options, from which a BPF token can be created in
//! their user namespace, and what each delegates. Read from /proc/self/mounts, as bpftool reads /proc/mounts.

use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::Error;
use crate::output::token::{TokenList, TokenMount};

pub fn run(ctx: &Context) -> CmdResult {
    let mounts = crate::sys::mounts::read()
        .map_err(|e| Error::from_io("token", &e, "cannot read /proc/self/mounts"))?;
    show(ctx, &TokenList(delegating_mounts(&mounts)))?;
    Ok(Outcome::Success)
}

/// The bpf mounts of a mounts file that delegate anything, in mount order.
fn delegating_mounts(mounts: &str) -> Vec<TokenMount> {
    crate::sys::mounts::of_type(mounts, "bpf")
        .filter(|m| m.options.contains("delegate_"))
        .map(|m| {
            let values = |key: &str| -> Vec<String> {
                m.options
                    .split(',')
                    .filter_map(|o| o.strip_prefix(key)?.strip_prefix('='))
                    .flat_map(|v| v.split(':'))
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            TokenMount {
                allowed_cmds: values("delegate_cmds"),
                allowed_maps: values("delegate_maps"),
                allowed_progs: values("delegate_progs"),
                allowed_attachs: values("delegate_attachs"),
                token_info: m.dir,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_delegating_bpf_mounts_with_their_lists() {
        let mounts = "bpf /sys/fs/bpf bpf rw,relatime 0 0\n\
                      bpf /tmp/a\\040b bpf rw,relatime,delegate_cmds=map_create:prog_load,delegate_progs=kprobe,delegate_attachs=any 0 0\n\
                      tmpfs /tmp tmpfs rw,delegate_cmds=x 0 0\n";
        let found = delegating_mounts(mounts);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].token_info, "/tmp/a b");
        assert_eq!(found[0].allowed_cmds, ["map_create", "prog_load"]);
        assert!(found[0].allowed_maps.is_empty());
        assert_eq!(found[0].allowed_progs, ["kprobe"]);
        assert_eq!(found[0].allowed_attachs, ["any"]);
    }
}
