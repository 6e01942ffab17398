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

use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use libbpf_sys::{self as sys, bpf_insn};

use super::insn::{self, R0, R6};
use super::load::{create_map, load_btf, load_prog, LogBuf, MapSpec, ProgSpec};
use super::map::local_storage_btf;
use super::prog::{probe_helper_in, processed_insns, refuses_helper};
use super::{ProbeEnv, Verdict};
use crate::sys::map_ops;

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
    /// r1 = a perf event array, r2 = 0: bpf_perf_event_read(map, flags).
    PerfEventRead,
    /// PerfEventRead, r3 = 8 bytes of stack, r4 = 8: bpf_perf_event_read_value(map, flags, buf, size).
    PerfEventReadValue,
    /// r1 = a cgroup array, r2 = 0: bpf_current_task_under_cgroup(map, index).
    CgroupArray,
    /// r1 = a queue, r2 = 8 bytes of stack, r3 = 0: push, pop and peek.
    Queue,
    /// r1 = a per-CPU array, r2 = key, r3 = 0: bpf_map_lookup_percpu_elem(map, key, cpu).
    PercpuLookup,
    /// r1 = 8 bytes of stack, r2 = 8, r3 = 0, r4 = 8 other bytes: bpf_strtol(buf, len, flags, res).
    ParseNumber,
    /// r1 = the current task, from a call of bpf_get_current_task_btf made here.
    Task,
    /// Task, r2 = 8 bytes of stack, r3 = 8, r4 = 0: bpf_get_task_stack(task, buf, size, flags).
    TaskBuffer,
    /// r1 = a ring buffer record reserved here (the null branch jumps to the end), r2 = 0: submit, discard.
    RingbufRecord,
    /// r1 = a ring buffer, r2 = 8, r3 = 0, r4 = the dynptr slot: bpf_ringbuf_reserve_dynptr.
    RingbufDynptr,
    /// r1 = 8 bytes of stack, r2 = 8, r3 = the dynptr, r4 = 0, r5 = 0: bpf_dynptr_read(dst, len, src, off, flags).
    DynptrRead,
    /// r1 = the dynptr, r2 = 0, r3 = 8 bytes of stack, r4 = 8, r5 = 0: bpf_dynptr_write(dst, off, src, len, flags).
    DynptrWrite,
    /// r1 = the dynptr, r2 = 0, r3 = 8: bpf_dynptr_data(ptr, offset, len).
    DynptrData,
    /// r1 = the dynptr, r2 = 0: bpf_ringbuf_submit_dynptr, which releases it.
    DynptrRelease,
    /// r1 = a second ring buffer dynptr reserved here, r2 = 0: bpf_ringbuf_discard_dynptr.
    DynptrReserveThenRelease,
    /// r1 = an array map value looked up here (the null branch jumps to the end), r2 = 8, r3 = 0, r4 = a third
    /// dynptr slot: bpf_dynptr_from_mem(data, size, flags, ptr).
    DynptrFromMem,
    /// r1 = a task storage map, r2 = the current task, r3 = 0, r4 = 0: bpf_task_storage_get and _delete.
    TaskStorage,
    /// r1 = 8 bytes of stack, r2 = 8, r3 = a constant string, r4 = 0, r5 = 0: bpf_snprintf and bpf_strncmp.
    ConstString,
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
    (sys::BPF_FUNC_perf_event_read, Args::PerfEventRead),
    (
        sys::BPF_FUNC_perf_event_read_value,
        Args::PerfEventReadValue,
    ),
    (sys::BPF_FUNC_current_task_under_cgroup, Args::CgroupArray),
    (sys::BPF_FUNC_map_push_elem, Args::Queue),
    (sys::BPF_FUNC_map_pop_elem, Args::Queue),
    (sys::BPF_FUNC_map_peek_elem, Args::Queue),
    (sys::BPF_FUNC_map_lookup_percpu_elem, Args::PercpuLookup),
    (sys::BPF_FUNC_strtol, Args::ParseNumber),
    (sys::BPF_FUNC_strtoul, Args::ParseNumber),
    (sys::BPF_FUNC_task_pt_regs, Args::Task),
    (sys::BPF_FUNC_get_task_stack, Args::TaskBuffer),
    (sys::BPF_FUNC_ringbuf_submit, Args::RingbufRecord),
    (sys::BPF_FUNC_ringbuf_discard, Args::RingbufRecord),
    // The dynptr calls use the one the first reserves, so they follow it, and the release comes last.
    (sys::BPF_FUNC_ringbuf_reserve_dynptr, Args::RingbufDynptr),
    (sys::BPF_FUNC_dynptr_read, Args::DynptrRead),
    (sys::BPF_FUNC_dynptr_write, Args::DynptrWrite),
    (sys::BPF_FUNC_dynptr_data, Args::DynptrData),
    (sys::BPF_FUNC_ringbuf_submit_dynptr, Args::DynptrRelease),
    (
        sys::BPF_FUNC_ringbuf_discard_dynptr,
        Args::DynptrReserveThenRelease,
    ),
    (sys::BPF_FUNC_dynptr_from_mem, Args::DynptrFromMem),
    (sys::BPF_FUNC_task_storage_get, Args::TaskStorage),
    (sys::BPF_FUNC_task_storage_delete, Args::TaskStorage),
    (sys::BPF_FUNC_snprintf, Args::ConstString),
    (sys::BPF_FUNC_strncmp, Args::ConstString),
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
    cgroup_array: Option<OwnedFd>,
    queue: Option<OwnedFd>,
    percpu_array: Option<OwnedFd>,
    /// BTF-typed (int key and value): the kernel makes local storage only with BTF.
    task_storage: Option<OwnedFd>,
    /// A frozen array the programs may only read, holding "x": the constant strings of snprintf and strncmp.
    const_string: Option<OwnedFd>,
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
            cgroup_array: map(sys::BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 1),
            queue: map(sys::BPF_MAP_TYPE_QUEUE, 0, 8, 1),
            percpu_array: map(sys::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1),
            task_storage: task_storage(),
            const_string: const_string(),
        }
    }

    #[cfg(test)]
    fn none() -> ChainMaps {
        ChainMaps {
            array: None,
            perf_event_array: None,
            prog_array: None,
            ringbuf: None,
            cgroup_array: None,
            queue: None,
            percpu_array: None,
            task_storage: None,
            const_string: None,
        }
    }

    /// The map a call's arguments need: Ok(None) for none, Err when it could not be created.
    fn for_args(&self, args: Args) -> Result<Option<i32>, ()> {
        let map = match args {
            Args::MapKeyValue | Args::DynptrFromMem => &self.array,
            Args::PerfOutput | Args::PerfEventRead | Args::PerfEventReadValue => {
                &self.perf_event_array
            }
            Args::TailCall => &self.prog_array,
            Args::RingbufOutput
            | Args::RingbufReserve
            | Args::RingbufQuery
            | Args::RingbufRecord
            | Args::RingbufDynptr
            | Args::DynptrReserveThenRelease => &self.ringbuf,
            Args::CgroupArray => &self.cgroup_array,
            Args::Queue => &self.queue,
            Args::PercpuLookup => &self.percpu_array,
            Args::TaskStorage => &self.task_storage,
            Args::ConstString => &self.const_string,
            _ => return Ok(None),
        };
        map.as_ref().map(|fd| Some(fd.as_raw_fd())).ok_or(())
    }
}

fn task_storage() -> Option<OwnedFd> {
    let btf = load_btf(&local_storage_btf()).ok()?;
    create_map(&MapSpec {
        map_type: sys::BPF_MAP_TYPE_TASK_STORAGE,
        key_size: 4,
        value_size: 4,
        flags: sys::BPF_F_NO_PREALLOC,
        btf: Some((btf.as_raw_fd(), 1, 1)),
        ..Default::default()
    })
    .ok()
}

fn const_string() -> Option<OwnedFd> {
    let map = create_map(&MapSpec {
        map_type: sys::BPF_MAP_TYPE_ARRAY,
        key_size: 4,
        value_size: 8,
        max_entries: 1,
        flags: sys::BPF_F_RDONLY_PROG,
        ..Default::default()
    })
    .ok()?;
    map_ops::update(map.as_fd(), Some(&[0; 4]), b"x\0\0\0\0\0\0\0", 0).ok()?;
    map_ops::freeze(map.as_fd()).ok()?;
    Some(map)
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
                Some(Stop::At(k)) if refuses_helper(&refusal, rest[k].id) => Stop::Refused(k),
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
            Stop::At(k) | Stop::Setup(k) => {
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
    /// In the instructions that set call k's arguments (a call or check they make): k is not answered.
    Setup(usize),
}

/// A chain's instructions and, for each call, the verifier's "processed" count when it fails there.
struct Program {
    insns: Vec<bpf_insn>,
    /// The processed count at call k (the 16-byte map loads count once).
    call_counts: Vec<u32>,
    /// The processed count of the first instruction of the chain proper, after the prologue.
    first_count: u32,
    end_count: u32,
}

impl Program {
    /// None when a call needs a map that does not exist (`chainable` leaves those out).
    fn build(links: &[Link], maps: &ChainMaps) -> Option<Program> {
        let mut code = Code::default();
        code.push(insn::mov64_reg(R6, 1));
        for i in 1..=STACK / 8 {
            code.push(insn::st_dw_imm(FP, -8 * i, 0));
        }
        let first_count = code.count + 1;
        let mut call_counts = Vec::with_capacity(links.len());
        for link in links {
            setup(&mut code, link.args, maps.for_args(link.args).ok()?)?;
            code.push(insn::call_helper(link.id));
            call_counts.push(code.count);
        }
        // Null branches of set-ups jump here: the verifier would only walk them after the straight path, which
        // fails first at this read.
        let end = code.insns.len();
        for &at in &code.to_end {
            code.insns[at].off = i16::try_from(end - at - 1).ok()?;
        }
        code.push(insn::mov64_reg(R0, R7));
        code.push(insn::exit());
        Some(Program {
            insns: code.insns,
            call_counts,
            first_count,
            end_count: code.count - 1,
        })
    }

    fn stop_at(&self, processed: u32) -> Option<Stop> {
        if processed == self.end_count {
            return Some(Stop::End);
        }
        if processed < self.first_count {
            return None;
        }
        let k = self.call_counts.iter().position(|&c| processed <= c)?;
        Some(if processed == self.call_counts[k] {
            Stop::At(k)
        } else {
            Stop::Setup(k)
        })
    }
}

/// Instructions being built, with the verifier's count of them (a 16-byte load is one) and the jumps whose
/// target is the end of the chain.
#[derive(Default)]
struct Code {
    insns: Vec<bpf_insn>,
    count: u32,
    to_end: Vec<usize>,
}

impl Code {
    fn push(&mut self, insn: bpf_insn) {
        if !insn::is_wide_second_half(&insn) {
            self.count += 1;
        }
        self.insns.push(insn);
    }

    fn extend(&mut self, insns: impl IntoIterator<Item = bpf_insn>) {
        for insn in insns {
            self.push(insn);
        }
    }

    /// `reg = fp + at`.
    fn stack(&mut self, reg: u8, at: i16) {
        self.extend([insn::mov64_reg(reg, FP), insn::add64_imm(reg, at.into())]);
    }

    /// `if reg == 0 goto end`, the offset set when the end is known.
    fn if_null_to_end(&mut self, reg: u8) {
        self.to_end.push(self.insns.len());
        self.push(insn::jeq_imm(reg, 0, 0));
    }
}

/// Stack slots of the dynptrs chained calls make (16 bytes each, below the zeroed buffer).
const DYNPTR_RINGBUF: i16 = -STACK - 16;
const DYNPTR_DISCARD: i16 = -STACK - 32;
const DYNPTR_MEM: i16 = -STACK - 48;

/// Appends the instructions that set a call's argument registers; None when the call needs a map and there is
/// none.
fn setup(code: &mut Code, args: Args, map: Option<i32>) -> Option<()> {
    match args {
        Args::Nothing => {}
        Args::Ctx => code.push(insn::mov64_reg(R1, R6)),
        Args::Zero => code.push(insn::mov64_imm(R1, 0)),
        Args::Buffer | Args::Printf => {
            code.stack(R1, -STACK);
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
            if args == Args::Printf {
                code.push(insn::mov64_imm(R4, 0));
            }
        }
        Args::TwoBuffers => {
            code.stack(R1, -STACK);
            code.push(insn::mov64_imm(R2, 8));
            code.stack(R3, -STACK);
            code.extend([insn::mov64_imm(R4, 8), insn::mov64_imm(R5, 0)]);
        }
        Args::ZerosThenBuffer => {
            code.extend([insn::mov64_imm(R1, 0), insn::mov64_imm(R2, 0)]);
            code.stack(R3, -STACK);
            code.push(insn::mov64_imm(R4, 8));
        }
        Args::MapKeyValue => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.stack(R2, -8);
            code.stack(R3, -16);
            code.push(insn::mov64_imm(R4, 0));
        }
        Args::PerfOutput => {
            code.push(insn::mov64_reg(R1, R6));
            code.extend(insn::ld_map_fd(R2, map?));
            code.push(insn::mov64_imm(R3, 0));
            code.stack(R4, -STACK);
            code.push(insn::mov64_imm(R5, 8));
        }
        Args::TailCall => {
            code.push(insn::mov64_reg(R1, R6));
            code.extend(insn::ld_map_fd(R2, map?));
            code.push(insn::mov64_imm(R3, 0));
        }
        Args::RingbufOutput => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.stack(R2, -STACK);
            code.extend([insn::mov64_imm(R3, 8), insn::mov64_imm(R4, 0)]);
        }
        Args::RingbufReserve => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
        }
        Args::RingbufQuery => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.push(insn::mov64_imm(R2, 0));
        }
        Args::PerfEventRead | Args::PerfEventReadValue | Args::CgroupArray => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.push(insn::mov64_imm(R2, 0));
            if args == Args::PerfEventReadValue {
                code.stack(R3, -STACK);
                code.push(insn::mov64_imm(R4, 8));
            }
        }
        Args::Queue | Args::PercpuLookup => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.stack(R2, -8);
            code.push(insn::mov64_imm(R3, 0));
        }
        Args::ParseNumber => {
            code.stack(R1, -STACK);
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
            code.stack(R4, -16);
        }
        Args::Task | Args::TaskBuffer => {
            code.push(insn::call_helper(sys::BPF_FUNC_get_current_task_btf));
            code.push(insn::mov64_reg(R1, R0));
            if args == Args::TaskBuffer {
                code.stack(R2, -STACK);
                code.extend([insn::mov64_imm(R3, 8), insn::mov64_imm(R4, 0)]);
            }
        }
        Args::RingbufRecord => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
            code.push(insn::call_helper(sys::BPF_FUNC_ringbuf_reserve));
            code.if_null_to_end(R0);
            code.extend([insn::mov64_reg(R1, R0), insn::mov64_imm(R2, 0)]);
        }
        Args::RingbufDynptr | Args::DynptrReserveThenRelease => {
            let slot = if args == Args::RingbufDynptr {
                DYNPTR_RINGBUF
            } else {
                DYNPTR_DISCARD
            };
            code.extend(insn::ld_map_fd(R1, map?));
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
            code.stack(R4, slot);
            if args == Args::DynptrReserveThenRelease {
                code.push(insn::call_helper(sys::BPF_FUNC_ringbuf_reserve_dynptr));
                code.stack(R1, slot);
                code.push(insn::mov64_imm(R2, 0));
            }
        }
        Args::DynptrRead => {
            code.stack(R1, -STACK);
            code.push(insn::mov64_imm(R2, 8));
            code.stack(R3, DYNPTR_RINGBUF);
            code.extend([insn::mov64_imm(R4, 0), insn::mov64_imm(R5, 0)]);
        }
        Args::DynptrWrite => {
            code.stack(R1, DYNPTR_RINGBUF);
            code.push(insn::mov64_imm(R2, 0));
            code.stack(R3, -STACK);
            code.extend([insn::mov64_imm(R4, 8), insn::mov64_imm(R5, 0)]);
        }
        Args::DynptrData | Args::DynptrRelease => {
            code.stack(R1, DYNPTR_RINGBUF);
            code.push(insn::mov64_imm(R2, 0));
            if args == Args::DynptrData {
                code.push(insn::mov64_imm(R3, 8));
            }
        }
        Args::TaskStorage => {
            code.push(insn::call_helper(sys::BPF_FUNC_get_current_task_btf));
            code.push(insn::mov64_reg(R2, R0));
            code.extend(insn::ld_map_fd(R1, map?));
            code.extend([insn::mov64_imm(R3, 0), insn::mov64_imm(R4, 0)]);
        }
        Args::ConstString => {
            code.stack(R1, -STACK);
            code.push(insn::mov64_imm(R2, 8));
            code.extend(insn::ld_map_value(R3, map?, 0));
            code.extend([insn::mov64_imm(R4, 0), insn::mov64_imm(R5, 0)]);
        }
        Args::DynptrFromMem => {
            code.extend(insn::ld_map_fd(R1, map?));
            code.stack(R2, -8);
            code.push(insn::call_helper(sys::BPF_FUNC_map_lookup_elem));
            code.if_null_to_end(R0);
            code.extend([
                insn::mov64_reg(R1, R0),
                insn::mov64_imm(R2, 8),
                insn::mov64_imm(R3, 0),
            ]);
            code.stack(R4, DYNPTR_MEM);
        }
    }
    Some(())
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
            ..ChainMaps::none()
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
            Some(Stop::Setup(1)),
            "a failing set-up instruction leaves its call unanswered"
        );
        assert_eq!(program.stop_at(9), None, "the prologue answers nothing");
        // A call whose map could not be made is never built.
        assert!(Program::build(&[link(12, Args::TailCall)], &maps).is_none());
        assert!(chainable(&[1, 12, 5], &maps).iter().all(|l| l.id != 12));
    }

    /// A null check in a set-up jumps to the final read, which fails whichever way it is reached; the counts
    /// follow the straight path, and a failure inside a set-up (its own call, say) answers nothing for the link.
    #[test]
    fn null_checks_jump_to_the_end_and_set_ups_fail_as_set_ups() {
        let file = std::fs::File::open("/dev/null").unwrap();
        let maps = ChainMaps {
            ringbuf: Some(OwnedFd::from(file)),
            ..ChainMaps::none()
        };
        let links = [
            link(sys::BPF_FUNC_ringbuf_submit, Args::RingbufRecord),
            link(sys::BPF_FUNC_ktime_get_ns, Args::Nothing),
        ];
        let program = Program::build(&links, &maps).unwrap();
        // 9 + ld (1) + 2 + reserve + jeq + 2 + call = 17; + call = 18; r0 = r7 at 19.
        assert_eq!(program.call_counts, [17, 18]);
        assert_eq!(program.end_count, 19);
        let jump = program
            .insns
            .iter()
            .position(|i| i.code == 0x15)
            .expect("the null check");
        let end = program.insns.len() - 2;
        assert_eq!(jump + 1 + program.insns[jump].off as usize, end);
        assert_eq!(
            program.stop_at(14),
            Some(Stop::Setup(0)),
            "the reserve call"
        );
        assert_eq!(program.stop_at(17), Some(Stop::At(0)));
        assert_eq!(program.stop_at(18), Some(Stop::At(1)));
    }

    #[test]
    fn chainable_keeps_the_callers_positions_in_chain_order() {
        let maps = ChainMaps::none();
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
