//! The chained calls: which helpers, in what order, and the instructions that make each one's arguments.

use libbpf_sys as sys;

use super::code::Code;
use crate::sys::probe::insn::{self, R0, R6};

const R1: u8 = 1;
const R2: u8 = 2;
const R3: u8 = 3;
const R4: u8 = 4;
const R5: u8 = 5;
/// Never written: reading it ends the run with "R7 !read_ok" after the last call.
pub(super) const R7: u8 = 7;
/// Callee-saved, keeping the spin lock's and the timer's map values between calls.
const R8: u8 = 8;
const R9: u8 = 9;
/// Bytes of stack the prologue zeroes, for helpers that read or fill a buffer.
pub(super) const STACK: i16 = 64;

/// How the argument registers are set before a chained call: what the helper's arguments accept in every
/// program type that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Args {
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
    /// r1 = the spin lock in a map value looked up here (kept in r8; the null branch jumps to the end).
    SpinLock,
    /// r1 = the spin lock SpinLock found.
    SpinUnlock,
    /// r1 = the timer in a map value looked up here (kept in r9), r2 = its map, r3 = 0: bpf_timer_init.
    TimerInit,
    /// r1 = the timer TimerInit found, r2 = 0, r3 = 0: bpf_timer_start and bpf_timer_cancel.
    TimerUse,
}

/// What kind of map a chained call needs, in the order a refused run drops them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum MapNeed {
    None,
    /// Maps of values: array, per-CPU array, queue, ring buffer, task storage.
    Values,
    /// Arrays of fds (perf events, programs, cgroups), which sleepable programs may not use.
    Fds,
    /// A value with a spin lock or a timer, which tracing programs may not use.
    Special,
}

impl Args {
    pub(super) fn map_need(self) -> MapNeed {
        match self {
            Args::SpinLock | Args::SpinUnlock | Args::TimerInit | Args::TimerUse => {
                MapNeed::Special
            }
            Args::PerfOutput
            | Args::TailCall
            | Args::PerfEventRead
            | Args::PerfEventReadValue
            | Args::CgroupArray => MapNeed::Fds,
            Args::MapKeyValue
            | Args::RingbufOutput
            | Args::RingbufReserve
            | Args::RingbufQuery
            | Args::Queue
            | Args::PercpuLookup
            | Args::RingbufRecord
            | Args::RingbufDynptr
            | Args::DynptrRead
            | Args::DynptrWrite
            | Args::DynptrData
            | Args::DynptrRelease
            | Args::DynptrReserveThenRelease
            | Args::DynptrFromMem
            | Args::TaskStorage
            | Args::ConstString => MapNeed::Values,
            Args::Nothing
            | Args::Ctx
            | Args::Zero
            | Args::Buffer
            | Args::Printf
            | Args::TwoBuffers
            | Args::ZerosThenBuffer
            | Args::ParseNumber
            | Args::Task
            | Args::TaskBuffer => MapNeed::None,
        }
    }
}

/// The chained helpers by id, in chain order. Taken from a run of every helper in every program type on 6.18:
/// each of these passes its argument checks this way in every type that has it. The few that some types lack
/// come last: a run stopped by one starts again with only the calls after it.
pub(super) const CHAINED: &[(u32, Args)] = &[
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
    // Maps with a timer or spin lock, which tracing programs may not use: last, and dropped from the run when
    // the kernel refuses the program before verifying it.
    (sys::BPF_FUNC_timer_init, Args::TimerInit),
    (sys::BPF_FUNC_timer_start, Args::TimerUse),
    (sys::BPF_FUNC_timer_cancel, Args::TimerUse),
    // Nothing else may be called while the lock is held.
    (sys::BPF_FUNC_spin_lock, Args::SpinLock),
    (sys::BPF_FUNC_spin_unlock, Args::SpinUnlock),
    // Accepted this way in 22 of the 24 types that load on 6.18.
    (sys::BPF_FUNC_perf_event_output, Args::PerfOutput),
    // In 17 of them.
    (sys::BPF_FUNC_ktime_get_coarse_ns, Args::Nothing),
];

/// Stack slots of the dynptrs chained calls make (16 bytes each, below the zeroed buffer).
const DYNPTR_RINGBUF: i16 = -STACK - 16;
const DYNPTR_DISCARD: i16 = -STACK - 32;
const DYNPTR_MEM: i16 = -STACK - 48;

/// Appends the instructions that set a call's argument registers; None when the call needs a map and there is
/// none.
pub(super) fn setup(code: &mut Code, args: Args, map: Option<i32>) -> Option<()> {
    match args.map_need() {
        MapNeed::None => no_map(code, args),
        MapNeed::Special => special_map(code, args, map),
        MapNeed::Values | MapNeed::Fds => match args {
            Args::RingbufRecord
            | Args::RingbufDynptr
            | Args::DynptrReserveThenRelease
            | Args::DynptrRead
            | Args::DynptrWrite
            | Args::DynptrData
            | Args::DynptrRelease
            | Args::DynptrFromMem => record(code, args, map),
            _ => map_and_values(code, args, map?),
        },
    }
}

/// Calls whose arguments are the context, constants, stack or the current task.
fn no_map(code: &mut Code, args: Args) -> Option<()> {
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
        _ => return None,
    }
    Some(())
}

/// Calls that pass a map, and keys, values or buffers on the stack.
fn map_and_values(code: &mut Code, args: Args, map: i32) -> Option<()> {
    match args {
        Args::MapKeyValue => {
            code.extend(insn::ld_map_fd(R1, map));
            code.stack(R2, -8);
            code.stack(R3, -16);
            code.push(insn::mov64_imm(R4, 0));
        }
        Args::PerfOutput => {
            code.push(insn::mov64_reg(R1, R6));
            code.extend(insn::ld_map_fd(R2, map));
            code.push(insn::mov64_imm(R3, 0));
            code.stack(R4, -STACK);
            code.push(insn::mov64_imm(R5, 8));
        }
        Args::TailCall => {
            code.push(insn::mov64_reg(R1, R6));
            code.extend(insn::ld_map_fd(R2, map));
            code.push(insn::mov64_imm(R3, 0));
        }
        Args::RingbufOutput => {
            code.extend(insn::ld_map_fd(R1, map));
            code.stack(R2, -STACK);
            code.extend([insn::mov64_imm(R3, 8), insn::mov64_imm(R4, 0)]);
        }
        Args::RingbufReserve => {
            code.extend(insn::ld_map_fd(R1, map));
            code.extend([insn::mov64_imm(R2, 8), insn::mov64_imm(R3, 0)]);
        }
        Args::RingbufQuery => {
            code.extend(insn::ld_map_fd(R1, map));
            code.push(insn::mov64_imm(R2, 0));
        }
        Args::PerfEventRead | Args::PerfEventReadValue | Args::CgroupArray => {
            code.extend(insn::ld_map_fd(R1, map));
            code.push(insn::mov64_imm(R2, 0));
            if args == Args::PerfEventReadValue {
                code.stack(R3, -STACK);
                code.push(insn::mov64_imm(R4, 8));
            }
        }
        Args::Queue | Args::PercpuLookup => {
            code.extend(insn::ld_map_fd(R1, map));
            code.stack(R2, -8);
            code.push(insn::mov64_imm(R3, 0));
        }
        Args::TaskStorage => {
            code.push(insn::call_helper(sys::BPF_FUNC_get_current_task_btf));
            code.push(insn::mov64_reg(R2, R0));
            code.extend(insn::ld_map_fd(R1, map));
            code.extend([insn::mov64_imm(R3, 0), insn::mov64_imm(R4, 0)]);
        }
        Args::ConstString => {
            code.stack(R1, -STACK);
            code.push(insn::mov64_imm(R2, 8));
            code.extend(insn::ld_map_value(R3, map, 0));
            code.extend([insn::mov64_imm(R4, 0), insn::mov64_imm(R5, 0)]);
        }
        _ => return None,
    }
    Some(())
}

/// Calls on a ring buffer record or a dynptr, made here or by an earlier link.
fn record(code: &mut Code, args: Args, map: Option<i32>) -> Option<()> {
    match args {
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
        _ => return None,
    }
    Some(())
}

/// Calls on the spin lock or timer in a map value.
fn special_map(code: &mut Code, args: Args, map: Option<i32>) -> Option<()> {
    match args {
        Args::SpinLock | Args::TimerInit => {
            let (keep, at) = if args == Args::SpinLock {
                (R8, 4)
            } else {
                (R9, 0)
            };
            let map = map?;
            code.extend(insn::ld_map_fd(R1, map));
            code.stack(R2, -8);
            code.push(insn::call_helper(sys::BPF_FUNC_map_lookup_elem));
            code.if_null_to_end(R0);
            code.push(insn::mov64_reg(keep, R0));
            code.push(insn::mov64_reg(R1, keep));
            if at != 0 {
                code.push(insn::add64_imm(R1, at));
            }
            if args == Args::TimerInit {
                code.extend(insn::ld_map_fd(R2, map));
                code.push(insn::mov64_imm(R3, 0));
            }
        }
        Args::SpinUnlock => {
            code.extend([insn::mov64_reg(R1, R8), insn::add64_imm(R1, 4)]);
        }
        Args::TimerUse => {
            code.extend([
                insn::mov64_reg(R1, R9),
                insn::mov64_imm(R2, 0),
                insn::mov64_imm(R3, 0),
            ]);
        }
        _ => return None,
    }
    Some(())
}
