//! Probes that load a tiny program: program types, helpers and kfuncs per program type, ISA features.

use libbpf_sys as sys;

use super::insn::{self, R0, R6};
use super::load::{load_prog, LogBuf, ProgSpec, Refusal};
use super::{refusal_verdict, ProbeEnv, Verdict};
use crate::error::errno_text;

/// The verifier's words for "this helper does not exist for this program type". 6.18 says "program of this type
/// cannot use helper X#N" (since 6.14); older kernels "unknown func X#N"; an id beyond the kernel's enum gives
/// "invalid func unknown#N". bpftool 7.1's libbpf only knows the last two, which is why it lists nearly every
/// helper as available for socket_filter on 6.18.
const HELPER_UNAVAILABLE: [&str; 3] = [
    "program of this type cannot use helper ",
    "unknown func ",
    "invalid func ",
];
/// The verifier's words for a kfunc the program type may not call ("calling kernel function X is not allowed"),
/// or an id that is not a kfunc of this kernel.
const KFUNC_UNAVAILABLE: [&str; 3] = [" is not allowed", " is not a function", " is not a kfunc"];
/// A helper that exists for the program type but only in sleepable programs.
const NEEDS_SLEEPABLE: &str = "might sleep in a non-sleepable prog";

/// The load attributes a program type needs to be accepted at all, as libbpf's probes set them.
pub fn spec_for(prog_type: u32, env: ProbeEnv) -> ProgSpec {
    let mut spec = ProgSpec {
        prog_type,
        ifindex: env.ifindex,
        ..Default::default()
    };
    match prog_type {
        sys::BPF_PROG_TYPE_CGROUP_SOCK_ADDR => {
            spec.expected_attach_type = sys::BPF_CGROUP_INET4_CONNECT
        }
        sys::BPF_PROG_TYPE_CGROUP_SOCKOPT => spec.expected_attach_type = sys::BPF_CGROUP_GETSOCKOPT,
        sys::BPF_PROG_TYPE_SK_LOOKUP => spec.expected_attach_type = sys::BPF_SK_LOOKUP,
        sys::BPF_PROG_TYPE_LIRC_MODE2 => spec.expected_attach_type = sys::BPF_LIRC_MODE2,
        sys::BPF_PROG_TYPE_NETFILTER => spec.expected_attach_type = sys::BPF_NETFILTER,
        // syscall programs must be sleepable.
        sys::BPF_PROG_TYPE_SYSCALL => spec.prog_flags = sys::BPF_F_SLEEPABLE,
        // Tracing-style types need a BTF attach target; id 1 is never a function, so a kernel that knows the
        // type answers with a specific complaint about the target rather than about the type.
        sys::BPF_PROG_TYPE_TRACING => {
            spec.expected_attach_type = sys::BPF_TRACE_FENTRY;
            spec.attach_btf_id = 1;
        }
        sys::BPF_PROG_TYPE_LSM => {
            spec.expected_attach_type = sys::BPF_MODIFY_RETURN;
            spec.attach_btf_id = 1;
        }
        sys::BPF_PROG_TYPE_EXT => spec.attach_btf_id = 1,
        _ => {}
    }
    spec
}

/// The complaint that proves the kernel knows a program type that cannot load without a real attach target.
fn known_type_marker(prog_type: u32) -> Option<(i32, &'static str)> {
    match prog_type {
        sys::BPF_PROG_TYPE_TRACING | sys::BPF_PROG_TYPE_LSM => {
            Some((libc::EINVAL, "attach_btf_id 1 is not a function"))
        }
        sys::BPF_PROG_TYPE_EXT => Some((libc::EINVAL, "Cannot replace kernel functions")),
        sys::BPF_PROG_TYPE_STRUCT_OPS => Some((crate::error::ENOTSUPP, "")),
        _ => None,
    }
}

/// Whether helpers and kfuncs of a program type can be probed with a context-only program: the tracing-style
/// types need a real BTF attach target (a kernel function, an LSM hook, a struct_ops member).
pub fn helpers_probeable(prog_type: u32) -> bool {
    !matches!(
        prog_type,
        sys::BPF_PROG_TYPE_TRACING
            | sys::BPF_PROG_TYPE_LSM
            | sys::BPF_PROG_TYPE_EXT
            | sys::BPF_PROG_TYPE_STRUCT_OPS
    )
}

/// Does the kernel accept `r0 = 0; exit` with exactly these attributes (program type, expected attach type, BTF
/// attach target, flags)? The question `compat check --live` asks per program kind: this kernel may take a
/// tracing program attached to a BTF tracepoint and refuse one attached to a function.
pub fn probe_prog_spec(spec: &ProgSpec, env: ProbeEnv, log: &mut LogBuf) -> Verdict {
    let insns = [insn::mov64_imm(R0, 0), insn::exit()];
    let spec = ProgSpec {
        ifindex: env.ifindex,
        ..*spec
    };
    match load_prog(&spec, &insns, Some(log)) {
        Ok(()) => Verdict::Yes,
        Err(r) => refusal_verdict(r.errno, env),
    }
}

/// Is helper `id` available to programs with these attributes (`spec_for` a type, or a kind with its real
/// attach target)? Loads `call id` (see `fail_after`) and reads the verifier's verdict on the call: the helper is
/// unavailable only when the verifier says so in words; any other failure after the call was processed (wrong
/// argument types, for a helper called without arguments) means the verifier accepted the helper id for this
/// type.
pub fn probe_helper_in(spec: &ProgSpec, id: u32, env: ProbeEnv, log: &mut LogBuf) -> Verdict {
    let insns = fail_after(insn::call_helper(id));
    probe_call(*spec, &insns, &HELPER_UNAVAILABLE, env, log)
}

/// `probe_kfunc` in a program with these attributes.
pub fn probe_kfunc_in(spec: &ProgSpec, btf_id: u32, env: ProbeEnv, log: &mut LogBuf) -> Verdict {
    let insns = fail_after(insn::call_kfunc(btf_id));
    probe_call(*spec, &insns, &KFUNC_UNAVAILABLE, env, log)
}

/// Does the kernel accept programs of this type? `r0 = 0; exit` with the type's required attributes.
pub fn probe_prog_type(prog_type: u32, env: ProbeEnv, log: &mut LogBuf) -> Verdict {
    let spec = spec_for(prog_type, env);
    let insns = [insn::mov64_imm(R0, 0), insn::exit()];
    match (
        load_prog(&spec, &insns, Some(log)),
        known_type_marker(prog_type),
    ) {
        (Ok(()), _) => Verdict::Yes,
        (Err(r), Some((errno, marker))) if r.errno == errno && r.says(marker) => Verdict::Yes,
        (Err(r), _) => refusal_verdict(r.errno, env),
    }
}

/// Is the vmlinux kfunc with BTF id `btf_id` callable from programs of this type? Same reading as `probe_helper_in`.
pub fn probe_kfunc(prog_type: u32, btf_id: u32, env: ProbeEnv, log: &mut LogBuf) -> Verdict {
    let insns = fail_after(insn::call_kfunc(btf_id));
    probe_call(
        spec_for(prog_type, env),
        &insns,
        &KFUNC_UNAVAILABLE,
        env,
        log,
    )
}

/// `call; r0 = r6; exit`: the read of r6, which nothing wrote, fails verification right after the call whenever
/// the call itself passed. The answer is the same as for `call; exit` (the call was processed), but a program
/// that verifies is also JIT-compiled, given an id and fd and freed through RCU: ~6 us more per probe, and on
/// 6.18 about 360 helper probes (argument-less helpers such as bpf_ktime_get_ns) would verify.
fn fail_after(call: libbpf_sys::bpf_insn) -> [libbpf_sys::bpf_insn; 3] {
    [call, insn::mov64_reg(R0, R6), insn::exit()]
}

fn probe_call(
    spec: ProgSpec,
    insns: &[libbpf_sys::bpf_insn],
    unavailable: &[&str],
    env: ProbeEnv,
    log: &mut LogBuf,
) -> Verdict {
    let refusal = match load_prog(&spec, insns, Some(log)) {
        Ok(()) => return Verdict::Yes,
        Err(r) => r,
    };
    if refusal.says(NEEDS_SLEEPABLE) {
        // The helper exists for this type, but only for sleepable programs (bpf_copy_from_user in a kprobe
        // program, usable from uprobe.s). Whether this type can be sleepable at all, the kernel says on reload.
        let sleepable = ProgSpec {
            prog_flags: spec.prog_flags | sys::BPF_F_SLEEPABLE,
            ..spec
        };
        return match load_prog(&sleepable, insns, Some(log)) {
            Ok(()) => Verdict::Yes,
            // "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable"
            Err(r) if r.says("can be sleepable") => Verdict::No,
            Err(r) => call_verdict(&r, unavailable, env),
        };
    }
    call_verdict(&refusal, unavailable, env)
}

/// Whether the verifier refused helper `id` as one this program type cannot use: its words, and the "#id" that
/// ends them (a chain must never take one call's refusal for another's).
pub(super) fn refuses_helper(refusal: &Refusal, id: u32) -> bool {
    HELPER_UNAVAILABLE.iter().any(|phrase| {
        refusal
            .after(phrase)
            .and_then(|rest| rest.lines().next())
            .and_then(|line| line.rsplit_once('#'))
            .and_then(|(_, n)| n.trim().parse::<u32>().ok())
            == Some(id)
    })
}

fn call_verdict(refusal: &Refusal, unavailable: &[&str], env: ProbeEnv) -> Verdict {
    if refusal.says_any(unavailable) {
        return Verdict::No;
    }
    if processed_insns(refusal).is_some_and(|n| n >= 1) {
        return Verdict::Yes;
    }
    match refusal.errno {
        libc::EPERM | libc::EACCES if env.permission_is_final() => Verdict::No,
        errno => Verdict::Unknown(match first_line(refusal.log) {
            Some(line) => format!("{}: {line}", errno_text(errno)),
            None => errno_text(errno),
        }),
    }
}

/// Whether the kernel knows helper id `id` at all (any program type): None when socket_filter programs cannot be
/// loaded here (unprivileged), so the question cannot be asked this way.
fn kernel_knows_helper(id: u32, log: &mut LogBuf) -> Option<bool> {
    let spec = ProgSpec {
        prog_type: sys::BPF_PROG_TYPE_SOCKET_FILTER,
        ..Default::default()
    };
    match load_prog(&spec, &[insn::call_helper(id), insn::exit()], Some(log)) {
        Ok(()) => Some(true),
        Err(r) if r.says("invalid func ") => Some(false),
        Err(r) if processed_insns(&r).is_some_and(|n| n >= 1) => Some(true),
        Err(_) => None,
    }
}

/// The number of helper ids the kernel knows (its __BPF_FUNC_MAX_ID), found by bisection over `1..=upper` with
/// `kernel_knows_helper` (ids are dense: the enum only ever grows). None when it cannot be asked, or when the
/// kernel knows `upper` itself, i.e. more than the caller's table.
pub fn kernel_helper_count(upper: u32, log: &mut LogBuf) -> Option<u32> {
    if kernel_knows_helper(upper, log)? {
        return None;
    }
    // Invariant: id `known` is known (1 always is: bpf_map_lookup_elem), id `unknown` is not.
    let (mut known, mut unknown) = (1, upper);
    while unknown - known > 1 {
        let mid = known + (unknown - known) / 2;
        if kernel_knows_helper(mid, log)? {
            known = mid;
        } else {
            unknown = mid;
        }
    }
    Some(unknown)
}

/// The verifier's closing "processed N insns" count: present whenever verification started.
pub(super) fn processed_insns(refusal: &Refusal) -> Option<u32> {
    refusal
        .after("processed ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn first_line(log: &str) -> Option<&str> {
    log.lines().map(str::trim).find(|l| !l.is_empty())
}

/// The misc features bpftool reports, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MiscFeature {
    LargeInsnLimit,
    BoundedLoops,
    V2Isa,
    V3Isa,
    V4Isa,
}

impl MiscFeature {
    pub const ALL: [MiscFeature; 5] = [
        MiscFeature::LargeInsnLimit,
        MiscFeature::BoundedLoops,
        MiscFeature::V2Isa,
        MiscFeature::V3Isa,
        MiscFeature::V4Isa,
    ];
}

/// Each feature is a program only a kernel with it accepts (the same programs libbpf and bpftool use).
pub fn probe_misc(feature: MiscFeature, env: ProbeEnv) -> Verdict {
    let (prog_type, insns) = match feature {
        // BPF_MAXINSNS (4096) + 1 instructions: accepted since 5.2 raised the limit for privileged users.
        MiscFeature::LargeInsnLimit => {
            let mut insns = vec![insn::mov64_imm(R0, 1); 4096];
            insns.push(insn::exit());
            (sys::BPF_PROG_TYPE_SCHED_CLS, insns)
        }
        MiscFeature::BoundedLoops => (
            sys::BPF_PROG_TYPE_SOCKET_FILTER,
            vec![
                insn::mov64_imm(R0, 10),
                insn::sub64_imm(R0, 1),
                insn::jne_imm(R0, 0, -2),
                insn::exit(),
            ],
        ),
        MiscFeature::V2Isa => (
            sys::BPF_PROG_TYPE_SOCKET_FILTER,
            branch_over(insn::jlt_imm(R0, 0, 1)),
        ),
        MiscFeature::V3Isa => (
            sys::BPF_PROG_TYPE_SOCKET_FILTER,
            branch_over(insn::jlt32_imm(R0, 0, 1)),
        ),
        // The gotol needs a conditional jump around it: an unconditional jump over an instruction that nothing
        // else reaches fails the verifier's "unreachable insn" check on any kernel.
        MiscFeature::V4Isa => (
            sys::BPF_PROG_TYPE_SOCKET_FILTER,
            vec![
                insn::mov64_imm(R0, 0),
                insn::jeq32_imm(R0, 1, 1),
                insn::gotol(1),
                insn::mov64_imm(R0, 1),
                insn::exit(),
            ],
        ),
    };
    let spec = ProgSpec {
        prog_type,
        ifindex: env.ifindex,
        ..Default::default()
    };
    match load_prog(&spec, &insns, None) {
        Ok(()) => Verdict::Yes,
        Err(r) => refusal_verdict(r.errno, env),
    }
}

/// `r0 = 0; <jump over the next insn>; r0 = 1; exit`.
fn branch_over(jump: libbpf_sys::bpf_insn) -> Vec<libbpf_sys::bpf_insn> {
    vec![
        insn::mov64_imm(R0, 0),
        jump,
        insn::mov64_imm(R0, 1),
        insn::exit(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_processed_count() {
        let refusal = |log| Refusal {
            errno: libc::EACCES,
            log,
        };
        let log =
            "R1 type=ctx expected=map_ptr\nprocessed 1 insns (limit 1000000) max_states_per_insn 0";
        assert_eq!(processed_insns(&refusal(log)), Some(1));
        assert_eq!(processed_insns(&refusal("no stats")), None);
        assert_eq!(processed_insns(&refusal("processed ")), None);
        assert!(refusal("ab").says("ab") && !refusal("a").says("ab") && !refusal("").says("a"));
        assert!(refusal("").says("") && refusal("x").says(""));
    }

    #[test]
    fn unavailable_messages_are_a_definite_no() {
        let env = ProbeEnv::default();
        for log in [
            "program of this type cannot use helper bpf_xdp_adjust_head#44\nprocessed 1 insns",
            "unknown func bpf_sys_bpf#166\nprocessed 1 insns",
            "invalid func unknown#9999\nprocessed 1 insns",
        ] {
            let r = Refusal {
                errno: libc::EINVAL,
                log,
            };
            assert_eq!(
                call_verdict(&r, &HELPER_UNAVAILABLE, env),
                Verdict::No,
                "{log}"
            );
        }
        let refuses = |log, id| {
            refuses_helper(
                &Refusal {
                    errno: libc::EINVAL,
                    log,
                },
                id,
            )
        };
        let log =
            "program of this type cannot use helper bpf_xdp_adjust_head#44\nprocessed 9 insns";
        assert!(refuses(log, 44) && !refuses(log, 4) && !refuses(log, 444));
        assert!(refuses("unknown func bpf_sys_bpf#166\n", 166));
        assert!(refuses("invalid func unknown#9999", 9999));
        assert!(
            !refuses("R2 !read_ok\n#44", 44),
            "an id outside the verifier's words"
        );
        let args = Refusal {
            errno: libc::EACCES,
            log: "R2 !read_ok\nprocessed 1 insns",
        };
        assert_eq!(call_verdict(&args, &HELPER_UNAVAILABLE, env), Verdict::Yes);
        let nolog = Refusal {
            errno: libc::ENOMEM,
            log: "",
        };
        assert!(matches!(
            call_verdict(&nolog, &HELPER_UNAVAILABLE, env),
            Verdict::Unknown(_)
        ));
    }
}
