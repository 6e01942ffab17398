//! Both disassemblers against binutils objdump, the oracle, on the instruction forms the kernel's x86-64 and arm64
//! BPF JITs emit (tests/jit/*.S, assembled here by clang): every instruction's address and text are objdump's
//! (on arm64 without objdump's `// ...` comments).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::MachineInsn;

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (scripts/setup.sh installs it)"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The .text bytes of tests/jit/NAME, assembled for clang's `target`, and where they were written.
fn assemble(name: &str, target: &str) -> (Vec<u8>, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/jit")
        .join(name);
    let dir = std::env::temp_dir().join(format!("ebpfctl-jit-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (obj, bin) = (
        dir.join(format!("{name}.o")),
        dir.join(format!("{name}.bin")),
    );
    run(Command::new("clang-19")
        .arg(format!("--target={target}"))
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&obj));
    run(Command::new("llvm-objcopy-19")
        .args(["-O", "binary", "--only-section=.text"])
        .arg(&obj)
        .arg(&bin));
    (std::fs::read(&bin).expect("assembled bytes"), bin)
}

/// objdump's `(address, text)` lines for a raw binary.
fn objdump(tool: &str, machine: &str, bin: &Path) -> Vec<(usize, String)> {
    let out = run(Command::new(tool)
        .args(["-D", "-b", "binary", machine, "--insn-width=16"])
        .arg(bin));
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            let mut fields = l.splitn(3, '\t');
            let addr = fields.next()?.trim().strip_suffix(':')?;
            let addr = usize::from_str_radix(addr, 16).ok()?;
            let _bytes = fields.next()?;
            Some((addr, fields.next()?.trim_end().to_string()))
        })
        .collect()
}

fn ours(insns: &[MachineInsn]) -> Vec<(usize, String)> {
    insns.iter().map(|i| (i.offset, i.text.clone())).collect()
}

// iced-x86 is only built for x86_64 hosts (yaxpeax-arm, small, is built for tests everywhere).
#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_text_equals_objdump() {
    let (code, bin) = assemble("x86_jit_forms.S", "x86_64-linux-gnu");
    let theirs = objdump("objdump", "-mi386:x86-64", &bin);
    let mine = super::x86::disassemble(&code, 0);
    assert!(theirs.len() > 100, "objdump printed {} lines", theirs.len());
    for (m, t) in ours(&mine).iter().zip(&theirs) {
        assert_eq!(m, t, "ebpfctl vs objdump");
    }
    assert_eq!(mine.len(), theirs.len());
    // JSON's operation and operands say what the text says.
    for i in &mine {
        let joined = format!("{} {}", i.operation, i.operands.join(","));
        let text: Vec<&str> = i.text.split_whitespace().collect();
        assert_eq!(joined.trim_end(), text.join(" "), "{i:?}");
    }
}

/// objdump's A64 text without its comments (`// #-1`, `// b.none`, ` ; undefined`).
fn without_comment(text: &str) -> String {
    let text = text.split("//").next().unwrap_or(text);
    text.split(" ; ")
        .next()
        .unwrap_or(text)
        .trim_end()
        .to_string()
}

#[test]
fn a64_equals_aarch64_objdump() {
    let (code, bin) = assemble("a64_jit_forms.S", "aarch64-linux-gnu");
    let theirs = objdump("aarch64-linux-gnu-objdump", "-maarch64", &bin);
    let mine = super::a64::disassemble(&code, 0);
    assert!(theirs.len() > 150, "objdump printed {} lines", theirs.len());
    for ((ma, mt), (ta, tt)) in ours(&mine).iter().zip(&theirs) {
        assert_eq!((ma, mt), (ta, &without_comment(tt)), "ebpfctl vs objdump");
    }
    assert_eq!(mine.len(), theirs.len());
    for i in &mine {
        let joined = format!("{}\t{}", i.operation, i.operands.join(", "));
        assert_eq!(joined.trim_end(), i.text, "{i:?}");
    }
}
