//! A chain's program: the prologue, each link's set-up and call, and the read that ends it; and which call a
//! failure's "processed" count names.

use libbpf_sys::bpf_insn;

use super::args::{setup, R7, STACK};
use super::code::{Code, FP};
use super::maps::ChainMaps;
use super::Link;
use crate::sys::probe::insn::{self, R0, R6};

/// Where verification of a chain stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
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
pub(super) struct Program {
    pub(super) insns: Vec<bpf_insn>,
    /// The helper of each call: the links', then the tail's.
    pub(super) ids: Vec<u32>,
    /// The processed count at call k (the 16-byte map loads count once).
    pub(super) call_counts: Vec<u32>,
    /// The processed count of the first instruction of the chain proper, after the prologue.
    pub(super) first_count: u32,
    pub(super) end_count: u32,
}

impl Program {
    /// The links' calls, then `tail` called with whatever the last call left in r1-r5. None when a call needs a
    /// map that does not exist (`chainable` leaves those out).
    pub(super) fn build(links: &[Link], tail: Option<u32>, maps: &ChainMaps) -> Option<Program> {
        let mut code = Code::default();
        code.push(insn::mov64_reg(R6, 1));
        for i in 1..=STACK / 8 {
            code.push(insn::st_dw_imm(FP, -8 * i, 0));
        }
        let first_count = code.count + 1;
        let mut call_counts = Vec::with_capacity(links.len() + 1);
        for link in links {
            setup(&mut code, link.args, maps.for_args(link.args).ok()?)?;
            code.push(insn::call_helper(link.id));
            call_counts.push(code.count);
        }
        if let Some(id) = tail {
            code.push(insn::call_helper(id));
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
            ids: links.iter().map(|l| l.id).chain(tail).collect(),
            call_counts,
            first_count,
            end_count: code.count - 1,
        })
    }

    pub(super) fn stop_at(&self, processed: u32) -> Option<Stop> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::probe::chain::args::Args;
    use crate::sys::probe::chain::chainable;
    use libbpf_sys as sys;
    use std::os::fd::OwnedFd;

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
            ..ChainMaps::default()
        };
        let links = [
            link(5, Args::Nothing),
            link(16, Args::Buffer),
            link(1, Args::MapKeyValue),
        ];
        let program = Program::build(&links, None, &maps).unwrap();
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
        assert!(Program::build(&[link(12, Args::TailCall)], None, &maps).is_none());
        assert!(chainable(&[1, 12, 5], &maps).iter().all(|l| l.id != 12));
    }

    /// A null check in a set-up jumps to the final read, which fails whichever way it is reached; the counts
    /// follow the straight path, and a failure inside a set-up (its own call, say) answers nothing for the link.
    #[test]
    fn null_checks_jump_to_the_end_and_set_ups_fail_as_set_ups() {
        let file = std::fs::File::open("/dev/null").unwrap();
        let maps = ChainMaps {
            ringbuf: Some(OwnedFd::from(file)),
            ..ChainMaps::default()
        };
        let links = [
            link(sys::BPF_FUNC_ringbuf_submit, Args::RingbufRecord),
            link(sys::BPF_FUNC_ktime_get_ns, Args::Nothing),
        ];
        let program = Program::build(&links, None, &maps).unwrap();
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
}
