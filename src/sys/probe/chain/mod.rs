//! Several helper probes in one load. A helper the verifier accepts for the program type, called with arguments
//! that pass its checks, lets verification go on to the next instruction; so a straight run of such calls, ended
//! by a read of a register nothing wrote, fails at the first call the verifier refuses, or at that read when it
//! refused none. The "processed N insns" line of the log says which instruction failed: every call before it
//! was accepted, the failing one is unavailable if the verifier says so in words naming that helper's id, and
//! the run goes on after it in the next load. A single probe (`probe_helper_in`) costs a whole load for each of
//! these helpers; a chained call costs about a tenth of one.
//!
//! The chained helpers (`args::CHAINED`) are those every program type that has them accepts on 6.18 with
//! arguments a set-up can make: constants, stack buffers, the context, maps of several kinds (`maps`), the
//! current task, a ring buffer record or dynptr, a constant string, a spin lock or timer in a map value. Each
//! run ends with a "tail", a helper otherwise probed alone, so the load that answers the links also answers
//! it when it is refused by name. The list decides the cost, never the answer: a call refused for a reason
//! other than "this type cannot use it" (an argument this kernel checks differently) and a failure inside a
//! set-up are probed again on their own; a program refused before verification (tracing programs may not use
//! a map with a spin lock or timer, sleepable ones arrays of fds) runs again without the calls that need the
//! most particular maps; a log that names no instruction sends the rest to single probes.

mod args;
mod code;
mod maps;
mod program;

use super::load::{load_prog, LogBuf, ProgSpec};
use super::prog::{probe_helper_in, processed_insns, refuses_helper};
use super::{ProbeEnv, Verdict};
use args::{Args, MapNeed, CHAINED};
pub use maps::ChainMaps;
use program::{Program, Stop};

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

/// The verdict of every link and then of every tail, in order, for programs with these attributes. A tail is a
/// helper probed on its own otherwise: it ends a run of calls instead of the read of r7, so a load that answers
/// the links also answers it when the verifier refuses it by name, as it does most such calls.
pub fn probe_helper_chain(
    spec: &ProgSpec,
    links: &[Link],
    tails: &[u32],
    maps: &ChainMaps,
    env: ProbeEnv,
    log: &mut LogBuf,
) -> Vec<Verdict> {
    let ids: Vec<u32> = links
        .iter()
        .map(|l| l.id)
        .chain(tails.iter().copied())
        .collect();
    let mut verdicts: Vec<Option<Verdict>> = vec![None; ids.len()];
    // Slots of `verdicts` still to answer: links in chain order, and the tail the next run ends with.
    let mut pending: Vec<usize> = (0..links.len()).collect();
    let mut tails_left = links.len()..ids.len();
    let mut tail = tails_left.next();
    while !pending.is_empty() {
        let run: Vec<Link> = pending.iter().map(|&slot| links[slot]).collect();
        let Some(program) = Program::build(&run, tail.map(|slot| ids[slot]), maps) else {
            break;
        };
        let stop = match load_prog(spec, &program.insns, Some(log)) {
            // Cannot verify (r7 is read unwritten); if a kernel ever did, every call was accepted.
            Ok(()) => Stop::End,
            Err(refusal) => match processed_insns(&refusal).and_then(|n| program.stop_at(n)) {
                Some(Stop::At(k)) if refuses_helper(&refusal, program.ids[k]) => Stop::Refused(k),
                Some(stop) => stop,
                // Refused as a whole before verification began: tracing programs may not use a map with a
                // spin lock or timer, sleepable ones arrays of fds. The run goes on without the calls that need
                // the most particular maps, one kind at a time, down to none.
                None => match run.iter().map(|l| l.args.map_need()).max() {
                    Some(need) if need > MapNeed::None => {
                        pending.retain(|&slot| links[slot].args.map_need() < need);
                        continue;
                    }
                    _ => break,
                },
            },
        };
        // The calls of this run in order: the pending links, then the tail.
        let slots: Vec<usize> = pending.iter().copied().chain(tail).collect();
        let (accepted, answered) = match stop {
            Stop::End => (slots.len(), slots.len()),
            Stop::Refused(k) => {
                verdicts[slots[k]] = Some(Verdict::No);
                (k, k + 1)
            }
            // Accepted as a helper of this type, refused for something else (an argument check): the single
            // probe's reading of that refusal decides, as it would without chains.
            Stop::At(k) | Stop::Setup(k) => {
                verdicts[slots[k]] = Some(probe_helper_in(spec, ids[slots[k]], env, log));
                (k, k + 1)
            }
        };
        for &slot in &slots[..accepted] {
            verdicts[slot] = Some(Verdict::Yes);
        }
        if answered > pending.len() {
            tail = tails_left.next();
        }
        pending.drain(..answered.min(pending.len()));
    }
    verdicts
        .into_iter()
        .zip(ids)
        .map(|(verdict, id)| verdict.unwrap_or_else(|| probe_helper_in(spec, id, env, log)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use libbpf_sys as sys;

    #[test]
    fn chainable_keeps_the_callers_positions_in_chain_order() {
        let maps = ChainMaps::default();
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
