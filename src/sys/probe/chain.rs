//! Several helper probes in one load. A helper the verifier accepts for the program type, called with arguments
//! that pass its checks, lets verification go on to the next instruction; so a straight run of such calls, ended
//! by a read of a register nothing wrote, fails at the first call the verifier refuses, or at that read when it
//! refused none. The "processed N insns" line of the log says which instruction failed: every call before it
//! was accepted, the failing one is unavailable if the verifier says so in words, and the run goes on after it
//! in the next load. A single probe (`probe_helper_in`) costs a whole load for each of these helpers; a chained
//! call costs about a tenth of one.
//!
//! Only helpers most program types accept and whose arguments are simple to make are chained (`CHAINED`): on
//! 6.18 they pass in every type that has them, so a type costs one load for all of them plus one per helper it
//! lacks. The list decides the cost, never the answer: a call refused for a reason other than "this type cannot
//! use it" (an argument this kernel checks differently) is probed again on its own, and a log that does not
//! name the failing instruction sends the rest of the run to single probes.

use std::os::fd::{AsRawFd, OwnedFd};

use libbpf_sys::{self as sys, bpf_insn};

use super::insn::{self, R0, R6};
use super::load::{create_map, load_prog, LogBuf, MapSpec, ProgSpec};
use super::prog::{is_helper_unavailable, probe_helper_in, processed_insns};
use super::{ProbeEnv, Verdict};

const R1: u8 = 1;
const R2: u8 = 2;
const R3: u8 = 3;
const R4: u8 = 4;
const R5: u8 = 5;
/// Never written: reading it ends the run with "R7 !read_ok" after the last call.
const R7: u8 = 7;
const FP: u8 = 10;
/// Bytes of stack the prologue zeroes, for helpers that read or fill a buffer.
const STACK: i16 = 64;

/// How the argument registers are set before a chained call: what the helper's arguments accept in every
/// program type that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Args {
    /// No arguments.
    Nothing,
    /// r1 = the context.
    Ctx,
    /// r1 = 0.
    Zero,
    /// r1 = 8 bytes of stack, r2 = 8, r3 = 0: (dst, size, src) and (buf, size).
    Buffer,
    /// Buffer, and r4 = 0: bpf_trace_vprintk(fmt, size, data, data_len).
    Printf,
    /// r1 = two buffers of 8 bytes and their sizes, r5 = 0: bpf_snprintf_btf(str, size, ptr, ptr_size, flags).
    TwoBuffers,
    /// r1 = 0, r2 = 0, r3 = 8 bytes of stack, r4 = 8: bpf_get_ns_current_pid_tgid(dev, ino, info, size).
    ZerosThenBuffer,
    /// r1 = an array map, r2 = key, r3 = value (both zeroed stack), r4 = 0.
    MapKeyValue,
    /// r1 = the context, r2 = a perf event array, r3 = 0, r4 = 8 bytes of stack, r5 = 8.
    PerfOutput,
    /// r1 = the context, r2 = a program array, r3 = 0.
    TailCall,
    /// r1 = a ring buffer, r2 = 8 bytes of stack, r3 = 8, r4 = 0.
    RingbufOutput,
    /// r1 = a ring buffer, r2 = 8, r3 = 0.
    RingbufReserve,
    /// r1 = a ring buffer, r2 = 0.
    RingbufQuery,
}

/// The chained helpers by id, in chain order. Taken from a run of every helper in every program type on 6.18:
/// each of these passes its argument checks this way in every type that has it. The few that some types lack
/// come last: a run stopped by one starts again with only the calls after it.
const CHAINED: &[(u32, Args)] = &[
    (sys::BPF_FUNC_map_lookup_elem, Args::MapKeyValue),
    (sys::BPF_FUNC_map_update_elem, Args::MapKeyValue),
    (sys::BPF_FUNC_map_delete_elem, Args::MapKeyValue),
    (sys::BPF_FUNC_ktime_get_ns, Args::Nothing),
    (sys::BPF_FUNC_trace_printk, Args::Buffer),
    (sys::BPF_FUNC_get_prandom_u32, Args::Nothing),
    (sys::BPF_FUNC_get_smp_processor_id, Args::Nothing),
    (sys::BPF_FUNC_tail_call, Args::TailCall),
    (sys::BPF_FUNC_get_current_pid_tgid, Args::Nothing),
    (sys::BPF_FUNC_get_current_uid_gid, Args::Nothing),
    (sys::BPF_FUNC_get_current_comm, Args::Buffer),
    (sys::BPF_FUNC_get_cgroup_classid, Args::Ctx),
    (sys::BPF_FUNC_get_current_task, Args::Nothing),
    (sys::BPF_FUNC_get_numa_node_id, Args::Nothing),
    (sys::BPF_FUNC_get_current_cgroup_id, Args::Nothing),
    (sys::BPF_FUNC_send_signal, Args::Zero),
    (sys::BPF_FUNC_probe_read_user, Args::Buffer),
    (sys::BPF_FUNC_probe_read_kernel, Args::Buffer),
    (sys::BPF_FUNC_probe_read_user_str, Args::Buffer),
    (sys::BPF_FUNC_probe_read_kernel_str, Args::Buffer),
    (sys::BPF_FUNC_send_signal_thread, Args::Zero),
    (sys::BPF_FUNC_jiffies64, Args::Nothing),
    (sys::BPF_FUNC_get_ns_current_pid_tgid, Args::ZerosThenBuffer),
    (sys::BPF_FUNC_get_current_ancestor_cgroup_id, Args::Zero),
    (sys::BPF_FUNC_ktime_get_boot_ns, Args::Nothing),
    (sys::BPF_FUNC_ringbuf_output, Args::RingbufOutput),
    (sys::BPF_FUNC_ringbuf_reserve, Args::RingbufReserve),
    (sys::BPF_FUNC_ringbuf_query, Args::RingbufQuery),
    (sys::BPF_FUNC_snprintf_btf, Args::TwoBuffers),
    (sys::BPF_FUNC_get_current_task_btf, Args::Nothing),
    (sys::BPF_FUNC_get_branch_snapshot, Args::Buffer),
    (sys::BPF_FUNC_trace_vprintk, Args::Printf),
    (sys::BPF_FUNC_ktime_get_tai_ns, Args::Nothing),
    // Accepted this way in 22 of the 24 types that load on 6.18.
    (sys::BPF_FUNC_perf_event_output, Args::PerfOutput),
    // In 17 of them.
    (sys::BPF_FUNC_ktime_get_coarse_ns, Args::Nothing),
];

/// The maps chained calls pass, created once per probe run. A map the kernel refuses leaves its helpers to
/// single probes.
pub struct ChainMaps {
    array: Option<OwnedFd>,
    perf_event_array: Option<OwnedFd>,
    prog_array: Option<OwnedFd>,
    ringbuf: Option<OwnedFd>,
}

impl ChainMaps {
    pub fn create() -> ChainMaps {
        let map = |map_type, key_size, value_size, max_entries| {
            create_map(&MapSpec {
                map_type,
                key_size,
                value_size,
                max_entries,
                ..Default::default()
            })
            .ok()
        };
        ChainMaps {
            array: map(sys::BPF_MAP_TYPE_ARRAY, 4, 8, 1),
            perf_event_array: map(sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1),
            prog_array: map(sys::BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1),
            ringbuf: map(
                sys::BPF_MAP_TYPE_RINGBUF,
                0,
                0,
                crate::sys::kernel::page_size(),
            ),
        }
    }

    /// The map a call's arguments need: Ok(None) for none, Err when it could not be created.
    fn for_args(&self, args: Args) -> Result<Option<i32>, ()> {
        let map = match args {
            Args::MapKeyValue => &self.array,
            Args::PerfOutput => &self.perf_event_array,
            Args::TailCall => &self.prog_array,
            Args::RingbufOutput | Args::RingbufReserve | Args::RingbufQuery => &self.ringbuf,
            _ => return Ok(None),
        };
        map.as_ref().map(|fd| Some(fd.as_raw_fd())).ok_or(())
    }
}

/// One chained call: the helper and the position of its verdict in the caller's list.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub position: usize,
    id: u32,
    args: Args,
}

/// The helpers of `ids` that are chained (those in CHAINED whose map exists), in chain order, with their
/// positions in `ids`.
pub fn chainable(ids: &[u32], maps: &ChainMaps) -> Vec<Link> {
    CHAINED
        .iter()
        .filter(|(_, args)| maps.for_args(*args).is_ok())
        .filter_map(|&(id, args)| {
            let position = ids.iter().position(|&i| i == id)?;
            Some(Link { position, id, args })
        })
        .collect()
}

/// Whether chains can be used here: offload devices verify with their own rules, and without privileges a load
/// fails before verification (no log to read), so both keep single probes.
pub fn chains_apply(env: ProbeEnv) -> bool {
    env.ifindex == 0 && !env.unprivileged && !single_probes_forced()
}

/// EBPFCTL_PROBE_SINGLE=1 probes every helper in its own program, as bpftool does: the tests and the kernel
/// matrix compare the two ways.
fn single_probes_forced() -> bool {
    std::env::var_os("EBPFCTL_PROBE_SINGLE").is_some_and(|v| v == "1")
}

/// The verdict of every link, in order, for programs with these attributes.
pub fn probe_helper_chain(
    spec: &ProgSpec,
    links: &[Link],
    maps: &ChainMaps,
    env: ProbeEnv,
    log: &mut LogBuf,
) -> Vec<Verdict> {
    let mut verdicts = Vec::with_capacity(links.len());
    let mut rest = links;
    while !rest.is_empty() {
        let Some(program) = Program::build(rest, maps) else {
            break;
        };
        let stop = match load_prog(spec, &program.insns, Some(log)) {
            // Cannot verify (r7 is read unwritten); if a kernel ever did, every call was accepted.
            Ok(()) => Stop::End,
            Err(refusal) => match processed_insns(&refusal).and_then(|n| program.stop_at(n)) {
                Some(Stop::At(k)) if is_helper_unavailable(&refusal) => Stop::Refused(k),
                Some(stop) => stop,
                None => break,
            },
        };
        match stop {
            Stop::End => {
                verdicts.extend(rest.iter().map(|_| Verdict::Yes));
                rest = &[];
            }
            Stop::Refused(k) => {
                verdicts.extend((0..k).map(|_| Verdict::Yes));
                verdicts.push(Verdict::No);
                rest = &rest[k + 1..];
            }
            // Accepted as a helper of this type, refused for something else (an argument check): the single
            // probe's reading of that refusal decides, as it would without chains.
            Stop::At(k) => {
                verdicts.extend((0..k).map(|_| Verdict::Yes));
                verdicts.push(probe_helper_in(spec, rest[k].id, env, log));
                rest = &rest[k + 1..];
            }
        }
    }
    verdicts.extend(
        rest.iter()
            .map(|link| probe_helper_in(spec, link.id, env, log)),
    );
    verdicts
}

/// Where verification of a chain stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// After the last call: every call was accepted.
    End,
    /// At call k, which the verifier refused for this type.
    Refused(usize),
    /// At call k, for another reason.
    At(usize),
}

/// A chain's instructions and, for each call, the verifier's "processed" count when it fails there.
struct Program {
    insns: Vec<bpf_insn>,
    /// The processed count at call k (the 16-byte map loads count once).
    call_counts: Vec<u32>,
    end_count: u32,
}

impl Program {
    /// None when a call needs a map that does not exist (`chainable` leaves those out).
    fn build(links: &[Link], maps: &ChainMaps) -> Option<Program> {
        let mut insns = vec![insn::mov64_reg(R6, 1)];
        insns.extend((1..=STACK / 8).map(|i| insn::st_dw_imm(FP, -8 * i, 0)));
        let mut count = insns.len() as u32;
        let mut call_counts = Vec::with_capacity(links.len());
        for link in links {
            let setup = setup(link.args, maps.for_args(link.args).ok()?)?;
            count += setup
                .iter()
                .filter(|i| !insn::is_wide_second_half(i))
                .count() as u32;
            insns.extend(setup);
            insns.push(insn::call_helper(link.id));
            count += 1;
            call_counts.push(count);
        }
        insns.push(insn::mov64_reg(R0, R7));
        insns.push(insn::exit());
        Some(Program {
            insns,
            call_counts,
            end_count: count + 1,
        })
    }

    fn stop_at(&self, processed: u32) -> Option<Stop> {
        if processed == self.end_count {
            return Some(Stop::End);
        }
        self.call_counts
            .iter()
            .position(|&c| c == processed)
            .map(Stop::At)
    }
}

/// The instructions that set a call's argument registers.
/// None when the call needs a map and there is none.
fn setup(args: Args, map: Option<i32>) -> Option<Vec<bpf_insn>> {
    let stack = |reg, at: i16| [insn::mov64_reg(reg, FP), insn::add64_imm(reg, at.into())];
    let mut out = Vec::new();
    match args {
        Args::Nothing => {}
        Args::Ctx => out.push(insn::mov64_reg(R1, R6)),
        Args::Zero => out.push(insn::mov64_imm(R1, 0)),
        Args::Buffer | Args::Printf => {
            out.extend(stack(R1, -STACK));
            out.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
            if args == Args::Printf {
                out.push(insn::mov64_imm(R4, 0));
            }
        }
        Args::TwoBuffers => {
            out.extend(stack(R1, -STACK));
            out.push(insn::mov64_imm(R2, 8));
            out.extend(stack(R3, -STACK));
            out.extend([insn::mov64_imm(R4, 8), insn::mov64_imm(R5, 0)]);
        }
        Args::ZerosThenBuffer => {
            out.extend([insn::mov64_imm(R1, 0), insn::mov64_imm(R2, 0)]);
            out.extend(stack(R3, -STACK));
            out.push(insn::mov64_imm(R4, 8));
        }
        Args::MapKeyValue => {
            out.extend(insn::ld_map_fd(R1, map?));
            out.extend(stack(R2, -8));
            out.extend(stack(R3, -16));
            out.push(insn::mov64_imm(R4, 0));
        }
        Args::PerfOutput => {
            out.push(insn::mov64_reg(R1, R6));
            out.extend(insn::ld_map_fd(R2, map?));
            out.push(insn::mov64_imm(R3, 0));
            out.extend(stack(R4, -STACK));
            out.push(insn::mov64_imm(R5, 8));
        }
        Args::TailCall => {
            out.push(insn::mov64_reg(R1, R6));
            out.extend(insn::ld_map_fd(R2, map?));
            out.push(insn::mov64_imm(R3, 0));
        }
        Args::RingbufOutput => {
            out.extend(insn::ld_map_fd(R1, map?));
            out.extend(stack(R2, -STACK));
            out.extend([insn::mov64_imm(R3, 8), insn::mov64_imm(R4, 0)]);
        }
        Args::RingbufReserve => {
            out.extend(insn::ld_map_fd(R1, map?));
            out.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
        }
        Args::RingbufQuery => {
            out.extend(insn::ld_map_fd(R1, map?));
            out.push(insn::mov64_imm(R2, 0));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: u32, args: Args) -> Link {
        Link {
            position: 0,
            id,
            args,
        }
    }

    /// The processed count names the failing call: the prologue (r6 = ctx and 8 stack stores) is 9, each call
    /// adds its set-up and itself, and a 16-byte map load counts once.
    #[test]
    fn each_call_has_the_processed_count_of_its_failure() {
        // Any open fd stands in for a map: only its number goes into the instructions.
        let file = std::fs::File::open("/dev/null").unwrap();
        let maps = ChainMaps {
            array: Some(OwnedFd::from(file)),
            perf_event_array: None,
            prog_array: None,
            ringbuf: None,
        };
        let links = [
            link(5, Args::Nothing),
            link(16, Args::Buffer),
            link(1, Args::MapKeyValue),
        ];
        let program = Program::build(&links, &maps).unwrap();
        // 9 + call; + 4 + call; + (ld counted once) 1 + 2 + 2 + 1 + call; + r0 = r7
        assert_eq!(program.call_counts, [10, 15, 22]);
        assert_eq!(program.end_count, 23);
        assert_eq!(program.insns.len(), 24 + 1);
        assert_eq!(program.stop_at(10), Some(Stop::At(0)));
        assert_eq!(program.stop_at(22), Some(Stop::At(2)));
        assert_eq!(program.stop_at(23), Some(Stop::End));
        assert_eq!(
            program.stop_at(12),
            None,
            "a set-up instruction cannot fail"
        );
        // A call whose map could not be made is never built.
        assert!(Program::build(&[link(12, Args::TailCall)], &maps).is_none());
        assert!(chainable(&[1, 12, 5], &maps).iter().all(|l| l.id != 12));
    }

    #[test]
    fn chainable_keeps_the_callers_positions_in_chain_order() {
        let maps = ChainMaps {
            array: None,
            perf_event_array: None,
            prog_array: None,
            ringbuf: None,
        };
        let ids = [
            sys::BPF_FUNC_ktime_get_coarse_ns,
            sys::BPF_FUNC_map_lookup_elem,
            sys::BPF_FUNC_ktime_get_ns,
            sys::BPF_FUNC_skb_load_bytes,
        ];
        let links = chainable(&ids, &maps);
        let got: Vec<(u32, usize)> = links.iter().map(|l| (l.id, l.position)).collect();
        assert_eq!(
            got,
            [
                (sys::BPF_FUNC_ktime_get_ns, 2),
                (sys::BPF_FUNC_ktime_get_coarse_ns, 0)
            ]
        );
    }
}
