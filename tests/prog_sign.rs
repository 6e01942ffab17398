//! `prog load|loadall -S -k KEY -i CERT` (bpftool 7.7's signing) and `-L` (its loader program, unsigned). The
//! signature is a CMS over libbpf's loader program (its correctness against OpenSSL is a unit test in
//! src/signing); here: the loader path loads and pins what a plain load does, the certificate reaches the kernel's
//! keyring, a key that is not the certificate's is refused before anything loads, and a kernel that cannot verify
//! signatures (this one: no CONFIG_SYSTEM_DATA_VERIFICATION) is named as such, kind `unsupported`, nothing left.

use crate::common;
use crate::lifecycle_util;

use std::path::{Path, PathBuf};

use common::{bpftool_json, ebpfctl, ebpfctl_json, fixture, host_command};
use lifecycle_util::{exists, BpffsDir};
use serde_json::Value;

/// A fresh RSA key and self-signed certificate, made with the openssl CLI (a test tool only).
/// `key_and_cert_of` takes openssl's -newkey words for another key type.
fn key_and_cert(tag: &str) -> (PathBuf, PathBuf) {
    key_and_cert_of(tag, &["-newkey", "rsa:2048"])
}

fn key_and_cert_of(tag: &str, newkey: &[&str]) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (key, cert) = (
        dir.join(format!("{tag}.key")),
        dir.join(format!("{tag}.crt")),
    );
    let ok = host_command("openssl")
        .args(["req", "-x509", "-nodes", "-days", "1"])
        .args(newkey)
        .args(["-subj", &format!("/CN=ebpfctl sign test {tag}")])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "openssl req");
    (key, cert)
}

/// Whether this kernel can check PKCS#7 signatures at all (BPF_PROG_LOAD's verifier calls into it).
fn kernel_verifies_signatures() -> bool {
    let out = host_command("zcat")
        .arg("/proc/config.gz")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).contains("CONFIG_SYSTEM_DATA_VERIFICATION=y")
}

fn names(report: &Value) -> Vec<&Value> {
    report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["name"])
        .collect()
}

#[test]
fn loader_program_loads_and_pins_what_a_plain_load_does() {
    let obj = fixture("lifecycle_progs");
    let obj = obj.to_str().unwrap();
    let (plain, loader) = (BpffsDir::new("plain"), BpffsDir::new("loader"));
    let a = ebpfctl_json(&["prog", "loadall", obj, &plain.path()]);
    let b = ebpfctl_json(&["prog", "loadall", obj, &loader.path(), "-L"]);
    assert_eq!(names(&a), names(&b));
    assert_eq!(
        a["maps"].as_array().unwrap().len(),
        b["maps"].as_array().unwrap().len(),
        "{b}"
    );
    for prog in b["programs"].as_array().unwrap() {
        let seen = bpftool_json(&["prog", "show", "pinned", prog["pinned"].as_str().unwrap()]);
        assert_eq!(seen["id"], prog["id"]);
        assert_eq!(seen["name"], prog["name"]);
        assert_eq!(seen["type"], prog["type"]);
    }
    // A program the verifier refuses: one line, exit 2, nothing pinned, and where to find the verifier's log.
    let bad = fixture("lifecycle_bad");
    let target = loader.join("bad");
    let run = ebpfctl(&[
        "-j",
        "prog",
        "loadall",
        bad.to_str().unwrap(),
        &target,
        "-L",
    ]);
    assert_eq!(
        (run.code, run.stderr.lines().count()),
        (2, 1),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["kind"], "invalid_input");
    assert!(run.stderr.contains("verifier's log"), "{}", run.stderr);
    assert!(!exists(&target));
    // `load` pins the first program only, as without -L.
    let one = BpffsDir::new("loader1");
    let r = ebpfctl_json(&["prog", "load", obj, &one.join("p"), "-L"]);
    assert_eq!(r["programs"][0]["pinned"], one.join("p").as_str());
    assert!(r["programs"][1].get("pinned").is_none(), "{r}");
}

#[test]
fn signed_load_on_this_kernel() {
    let obj = fixture("lifecycle_progs");
    let obj = obj.to_str().unwrap();
    let (key, cert) = key_and_cert("ok");
    let dir = BpffsDir::new("signed");
    let target = dir.join("all");
    let run = ebpfctl(&[
        "-j",
        "prog",
        "loadall",
        obj,
        &target,
        "-S",
        "-k",
        key.to_str().unwrap(),
        "-i",
        cert.to_str().unwrap(),
    ]);
    // The certificate is in the kernel's keyring, parsed by the kernel as an X.509 RSA key.
    let keys = std::fs::read_to_string("/proc/keys").unwrap();
    assert!(
        keys.lines().any(|l| l.contains("asymmetri")
            && l.contains("ebpfctl sign test ok")
            && l.contains("X509.rsa")),
        "{keys}"
    );
    // An ECDSA P-256 key: signed the same way; this kernel has no ECDSA (CONFIG_CRYPTO_ECDSA) to take its
    // certificate, which is said as such.
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    let (ec_key, ec_cert) = key_and_cert_of("ec", &ec);
    let ec_run = ebpfctl(&[
        "-j",
        "prog",
        "loadall",
        obj,
        &dir.join("ec"),
        "-S",
        "-k",
        ec_key.to_str().unwrap(),
        "-i",
        ec_cert.to_str().unwrap(),
    ]);
    let config = host_command("zcat")
        .arg("/proc/config.gz")
        .output()
        .unwrap()
        .stdout;
    if !String::from_utf8_lossy(&config).contains("CONFIG_CRYPTO_ECDSA=y") {
        assert_eq!(
            (ec_run.code, ec_run.stderr.lines().count()),
            (2, 1),
            "{}",
            ec_run.stderr
        );
        assert_eq!(ec_run.json()["kind"], "unsupported", "{}", ec_run.stdout);
        assert!(
            ec_run.stderr.contains("CONFIG_CRYPTO_ECDSA"),
            "{}",
            ec_run.stderr
        );
    }
    if kernel_verifies_signatures() {
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report = run.json();
        assert!(exists(report["programs"][0]["pinned"].as_str().unwrap()));
    } else {
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert_eq!(run.json()["kind"], "unsupported", "{}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("CONFIG_SYSTEM_DATA_VERIFICATION"),
            "{}",
            run.stderr
        );
        assert!(!exists(&target), "nothing is pinned when the load fails");
    }
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused_before_loading() {
    let obj = fixture("lifecycle_progs");
    let (key, cert) = key_and_cert("a");
    let (other_key, _) = key_and_cert("b");
    let dir = BpffsDir::new("wrongkey");
    let target = dir.join("p");
    let signed_load = |key: &str, cert: &str| {
        let args = [
            "-j",
            "prog",
            "load",
            obj.to_str().unwrap(),
            &target,
            "-S",
            "-k",
            key,
            "-i",
            cert,
        ];
        ebpfctl(&args)
    };
    let (key, cert, other_key) = (
        key.to_str().unwrap(),
        cert.to_str().unwrap(),
        other_key.to_str().unwrap(),
    );
    let run = signed_load(other_key, cert);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.json()["kind"], "invalid_input");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("does not belong to the certificate"),
        "{}",
        run.stderr
    );
    assert!(!exists(&target));
    // Not a key, not a certificate: each named.
    for (key, cert, reason) in [
        (
            "/etc/hostname",
            cert,
            "ebpfctl: /etc/hostname: private key: ",
        ),
        (
            key,
            "/etc/hostname",
            "ebpfctl: /etc/hostname: certificate: ",
        ),
    ] {
        let bogus = signed_load(key, cert);
        assert_eq!(bogus.code, 2);
        assert!(bogus.stderr.starts_with(reason), "{}", bogus.stderr);
    }
    // -S without -k/-i, and -S with words a loader cannot honour, are usage errors.
    assert_eq!(
        ebpfctl(&["prog", "load", obj.to_str().unwrap(), &target, "-S"]).code,
        2
    );
    let words = ebpfctl(&[
        "prog",
        "load",
        obj.to_str().unwrap(),
        &target,
        "autoattach",
        "-L",
    ]);
    assert_eq!(words.code, 2);
    assert!(words.stderr.contains("loader program"), "{}", words.stderr);
}

/// libbpf cannot record struct_ops maps into a loader program (it crashed doing so, as bpftool -L does): the
/// object is refused in one line before anything is created.
#[test]
fn a_loader_load_of_struct_ops_maps_is_refused_not_a_crash() {
    let obj = fixture("lifecycle_struct_ops");
    let dir = BpffsDir::new("loader_struct_ops");
    let run = ebpfctl(&[
        "-j",
        "prog",
        "loadall",
        obj.to_str().unwrap(),
        &dir.path(),
        "-L",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json()["kind"], "invalid_input");
    assert!(run.stderr.contains("struct_ops"), "{}", run.stderr);
    assert!(!exists(&dir.path()), "nothing is pinned");
}
