//! `prog dump xlated PROG visual`: the control-flow graph (bpf_disasm::cfg) as DOT, one cluster per function,
//! each block a record of its instructions in the xlated dump's notation, numbered from the function's start as
//! bpftool numbers them.

use std::os::fd::BorrowedFd;

use super::listing::KernelNamer;
use crate::bpf_disasm::{self, cfg};
use crate::cmd::{show, CmdResult, Context, Outcome};
use crate::error::{Error, Result};
use crate::output::prog_dump::{ControlFlowGraph, GraphBlock, GraphFunction};
use crate::sys::prog_insns::ProgInsns;

/// Beyond this many instructions the graph is refused: graphviz needs minutes for tens of thousands of records,
/// and a picture of a million-instruction program shows nothing (the privileged limit is 1,000,000).
pub const MAX_VISUAL_INSNS: usize = 65_536;

/// Refuses a program too large to draw, from its size alone (before its instructions are fetched).
pub(super) fn refuse_large(label: &str, fd: BorrowedFd<'_>) -> Result<()> {
    let info = crate::sys::prog_info::prog_info(fd)
        .map_err(|e| Error::from_io(label, &e, "cannot read program info"))?;
    let count = info.xlated_len as usize / 8;
    if count > MAX_VISUAL_INSNS {
        return Err(Error::invalid(
            label,
            format!(
                "too large to draw: {count} instructions (visual stops at {MAX_VISUAL_INSNS}; \
                 dump it without visual)"
            ),
        ));
    }
    Ok(())
}

pub(super) fn run(ctx: &Context, insns: &ProgInsns) -> CmdResult {
    let code = bpf_disasm::decode(&insns.xlated);
    let starts: Vec<usize> = insns
        .func_info
        .iter()
        .map(|f| f.insn_off as usize)
        .collect();
    let namer = KernelNamer::new(insns);
    let graph = cfg::build(&code, &starts)
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let mut blocks = vec![GraphBlock {
                id: cfg::ENTRY,
                insns: Vec::new(),
            }];
            blocks.extend(f.blocks.iter().map(|b| GraphBlock {
                id: b.id,
                insns: block_insns(&code, f.start, b, &namer),
            }));
            blocks.push(GraphBlock {
                id: cfg::EXIT,
                insns: Vec::new(),
            });
            GraphFunction {
                index,
                blocks,
                edges: f.edges,
            }
        })
        .collect();
    show(ctx, &ControlFlowGraph(graph))?;
    Ok(Outcome::Success)
}

/// `(index, "(code) text")` for each instruction of the block, numbered from the function's first instruction.
fn block_insns(
    code: &[bpf_disasm::Insn],
    func_start: usize,
    block: &cfg::Block,
    namer: &KernelNamer<'_>,
) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut at = block.first;
    while at <= block.last {
        let double = bpf_disasm::is_double(&code[at]) && at + 1 < code.len();
        let next = code.get(at + 1).filter(|_| double);
        lines.push((at - func_start, bpf_disasm::format(&code[at], next, namer)));
        at += if double { 2 } else { 1 };
    }
    lines
}
