//! `compat check` shows a progress counter on stderr only when stderr is a terminal.

use crate::common;

use common::{bin, ebpfctl, fixture};

fn objects() -> Vec<String> {
    [
        "compat_guarded",
        "compat_flavor",
        "compat_unguarded",
        "compat_helper_type",
    ]
    .iter()
    .map(|n| fixture(n).display().to_string())
    .collect()
}

#[test]
fn progress_goes_to_a_terminal_only() {
    let objs = objects();
    let mut args = vec!["compat", "check"];
    args.extend(objs.iter().map(String::as_str));
    args.extend(["--btf", "/sys/kernel/btf/vmlinux"]);

    // A pipe: stderr carries nothing but errors, and there are none.
    let piped = ebpfctl(&args);
    assert_eq!(
        piped.code, 1,
        "compat_unguarded is incompatible: {}",
        piped.stderr
    );
    assert_eq!(piped.stderr, "");

    // A terminal (script(1) gives the command a pty): the counter reaches 4/4 and is cleared before the table.
    let command = format!("{} {}", bin(), args.join(" "));
    let out = common::host_command("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script (util-linux)");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{screen}");
    assert!(screen.contains("compat: 4/4 "), "{screen:?}");
    let cleared = screen
        .rfind("\r\x1b[K")
        .expect("the counter line is cleared");
    let table = screen.find("VERDICT").expect("the table follows");
    assert!(cleared < table, "{screen:?}");
}
