//! `token show|list` against real bpffs mounts with delegate options, made in a private mount namespace. bpftool
//! 7.1 has no `token` object; the fields are bpftool HEAD's (token_info and the four allowed_* lists).

use crate::common;

use serde_json::Value;

/// Runs `script` (with $EBPFCTL set) in a private mount namespace, where its mounts vanish with it.
fn in_mount_namespace(script: &str) -> common::Run {
    let out = common::host_command("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .env("EBPFCTL", common::bin())
        .output()
        .unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn token_show_lists_what_each_delegating_mount_allows() {
    let dir = std::env::temp_dir().join(format!("ebpfctl-token-{}", std::process::id()));
    let (first_dir, plain, spaced) = (dir.join("a"), dir.join("plain"), dir.join("with space"));
    for d in [&first_dir, &plain, &spaced] {
        std::fs::create_dir_all(d).unwrap();
    }
    let run = in_mount_namespace(&format!(
        "mount -t bpf -o delegate_cmds=map_create:prog_load,delegate_maps=hash:array,delegate_progs=kprobe \
         bpf '{d}' && mount -t bpf bpf '{p}' && mount -t bpf -o delegate_attachs=any bpf '{s}' && \
         \"$EBPFCTL\" -j token show",
        d = first_dir.display(),
        p = plain.display(),
        s = spaced.display(),
    ));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    let mounts: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["token_info"]
                .as_str()
                .unwrap()
                .starts_with(dir.to_str().unwrap())
        })
        .collect();
    // The plain mount (no delegate option) is not a token mount.
    assert_eq!(mounts.len(), 2, "{list}");
    let first = mounts[0];
    assert_eq!(first["token_info"], first_dir.to_str().unwrap());
    assert_eq!(
        first["allowed_cmds"],
        serde_json::json!(["map_create", "prog_load"])
    );
    assert_eq!(first["allowed_maps"], serde_json::json!(["hash", "array"]));
    assert_eq!(first["allowed_progs"], serde_json::json!(["kprobe"]));
    assert_eq!(first["allowed_attachs"], serde_json::json!([]));
    assert_eq!(
        mounts[1]["token_info"],
        spaced.to_str().unwrap(),
        "octal escapes undone"
    );
    assert_eq!(mounts[1]["allowed_attachs"], serde_json::json!(["any"]));
}

#[test]
fn token_list_without_delegating_mounts_is_an_empty_list() {
    let run = in_mount_namespace(
        "umount -a -t bpf 2>/dev/null; \"$EBPFCTL\" -j token list; \"$EBPFCTL\" token list",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "[]\n");
}
