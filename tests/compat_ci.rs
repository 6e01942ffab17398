//! `compat check --btf-dir` over a btfhub-like tree (plain, .btf.xz and .btf.tar.xz kernel BTF) and the CI formats:
//! JUnit checked by python's XML parser and against the per-kernel single runs, GitHub annotations, bad archives.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ebpfctl, fixture};

struct Tree(PathBuf);

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sh(script: &str) {
    let ok = Command::new("sh")
        .args(["-c", script])
        .status()
        .unwrap()
        .success();
    assert!(ok, "{script}");
}

/// DISTRO/RELEASE/ARCH/KERNEL.btf[.xz|.tar.xz] from this kernel's BTF and the qemu matrix's cached ones (when a
/// matrix run left them); returns the tree and, per file, the plain BTF it holds.
fn btf_tree(name: &str) -> (Tree, Vec<(String, PathBuf)>) {
    let root = std::env::temp_dir().join(format!("compat_ci_{}_{name}", std::process::id()));
    let plain = root.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let mut sources = vec![("live".to_string(), PathBuf::from("/sys/kernel/btf/vmlinux"))];
    for k in ["5.10", "6.1", "6.12"] {
        let cached = Path::new("/var/cache/ebpfctl/kernels")
            .join(k)
            .join("vmlinux.btf");
        if cached.exists() {
            sources.push((k.to_string(), cached));
        }
    }
    let tree = root.join("tree");
    let mut files = Vec::new();
    for (i, (k, src)) in sources.iter().enumerate() {
        let copy = plain.join(format!("{k}.btf"));
        std::fs::copy(src, &copy).unwrap();
        let dir = tree.join("debian").join(k).join("x86_64");
        std::fs::create_dir_all(&dir).unwrap();
        let (d, c, p) = (dir.display(), copy.display(), plain.display());
        let file = match i % 3 {
            0 => {
                sh(&format!("cp '{c}' '{d}/{k}.btf'"));
                dir.join(format!("{k}.btf"))
            }
            1 => {
                sh(&format!("xz -T1 -c '{c}' > '{d}/{k}.btf.xz'"));
                dir.join(format!("{k}.btf.xz"))
            }
            _ => {
                sh(&format!("tar -C '{p}' -cJf '{d}/{k}.btf.tar.xz' '{k}.btf'"));
                dir.join(format!("{k}.btf.tar.xz"))
            }
        };
        files.push((file.display().to_string(), copy));
    }
    // Not kernel BTF, ignored by the walk.
    std::fs::write(tree.join("README"), "not BTF").unwrap();
    (Tree(root), files)
}

// compat_unguarded loads nowhere: the reports have a failure even where no matrix run left its kernels here.
const OBJECTS: &[&str] = &[
    "gt_bloom",
    "gt_biolat",
    "compat_guarded",
    "compat_unguarded",
];

fn objects() -> Vec<String> {
    OBJECTS
        .iter()
        .map(|o| fixture(o).display().to_string())
        .collect()
}

#[test]
fn btf_dir_verdicts_equal_single_runs_and_junit_parses() {
    let (tree, files) = btf_tree("junit");
    let dir = tree.0.join("tree").display().to_string();
    let objs = objects();
    let mut args: Vec<&str> = vec!["compat", "check"];
    args.extend(objs.iter().map(String::as_str));
    args.extend(["--btf-dir", &dir]);
    let report = ebpfctl(&[&["-j"], &args[..]].concat());
    assert!(report.code == 0 || report.code == 1, "{}", report.stderr);
    let report = report.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), objs.len() * files.len());
    // Each verdict is the one a single --btf run on the unpacked file gives.
    for (file, plain) in &files {
        let mut single: Vec<&str> = vec!["compat", "check"];
        single.extend(objs.iter().map(String::as_str));
        let plain = plain.display().to_string();
        single.extend(["--btf", &plain]);
        let alone = ebpfctl(&[&["-j"], &single[..]].concat()).json();
        for r in alone["results"].as_array().unwrap() {
            let found = results
                .iter()
                .find(|x| x["kernel"] == file.as_str() && x["object"] == r["object"])
                .unwrap_or_else(|| panic!("{file}: no verdict for {}", r["object"]));
            assert_eq!(
                found["compatible"], r["compatible"],
                "{file} {}",
                r["object"]
            );
            assert_eq!(found["reasons"], r["reasons"], "{file} {}", r["object"]);
        }
    }
    // JUnit: a well-formed document, one testsuite per object, one testcase per kernel, failures where incompatible.
    let junit = ebpfctl(&[&args[..], &["--format", "junit"]].concat());
    let xml_file = tree.0.join("report.xml");
    std::fs::write(&xml_file, &junit.stdout).unwrap();
    let checked = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, xml.etree.ElementTree as ET\n\
             r = ET.parse(sys.argv[1]).getroot()\n\
             assert r.tag == 'testsuites'\n\
             for s in r.findall('testsuite'):\n\
             \x20   cases = s.findall('testcase')\n\
             \x20   assert int(s.get('tests')) == len(cases)\n\
             \x20   assert int(s.get('failures')) == sum(1 for c in cases if c.find('failure') is not None)\n\
             \x20   for c in cases:\n\
             \x20       f = c.find('failure')\n\
             \x20       print(s.get('name'), c.get('name'), 'fail' if f is not None else 'pass', f.get('message') if f is not None else '')\n",
        )
        .arg(&xml_file)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let lines = String::from_utf8_lossy(&checked.stdout).into_owned();
    assert_eq!(lines.lines().count(), results.len());
    for r in results {
        let want = if r["compatible"] == true {
            "pass"
        } else {
            "fail"
        };
        let line = format!(
            "{} {} {want}",
            r["object"].as_str().unwrap(),
            r["kernel"].as_str().unwrap()
        );
        assert!(
            lines.lines().any(|l| l.starts_with(&line)),
            "{line} not in\n{lines}"
        );
    }
    // GitHub annotations: one ::error line per incompatible pair.
    let github = ebpfctl(&[&args[..], &["--format", "github"]].concat());
    let failures = results.iter().filter(|r| r["compatible"] == false).count();
    assert!(failures > 0, "the corpus has objects some kernel refuses");
    assert_eq!(
        github
            .stdout
            .lines()
            .filter(|l| l.starts_with("::error file="))
            .count(),
        failures
    );
    assert_eq!(github.code, 1);
}

#[test]
fn bad_archives_are_one_line_errors() {
    let (tree, _) = btf_tree("bad");
    let bad = tree.0.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("corrupt.btf.xz"), b"\xfd7zXZ\0garbage").unwrap();
    sh(&format!(
        "cd '{}' && tar -cJf nofile.btf.tar.xz --files-from /dev/null",
        bad.display()
    ));
    let obj = fixture("gt_bloom").display().to_string();
    for f in ["corrupt.btf.xz", "nofile.btf.tar.xz"] {
        let path = bad.join(f).display().to_string();
        let run = ebpfctl(&["-j", "compat", "check", &obj, "--btf", &path]);
        assert_eq!(run.code, 2, "{f}: {}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert_eq!(run.json()["kind"], "invalid_input", "{}", run.stdout);
    }
    let empty = tree.0.join("plain").display().to_string();
    std::fs::remove_dir_all(tree.0.join("plain")).unwrap();
    std::fs::create_dir_all(&empty).unwrap();
    let run = ebpfctl(&["-j", "compat", "check", &obj, "--btf-dir", &empty]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["kind"], "not_found");
}
