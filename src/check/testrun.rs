//! BPF_PROG_TEST_RUN: runs programs on crafted packets without attaching them anywhere.

use std::mem::MaybeUninit;

use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::ProgramInput;

use super::{Failure, ProbeResult, NET_CAPS};
use crate::sys::skel::check_testrun;

const XDP_DROP: u32 = 1;
const XDP_PASS: u32 = 2;
const ETH_HLEN: usize = 14;

/// An Ethernet frame of `len` bytes with the given EtherType; the rest is zero, which is enough for the programs.
fn frame(ethertype: u16, len: usize) -> Vec<u8> {
    let mut f = vec![0u8; len];
    f[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    f[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    f[12..14].copy_from_slice(&ethertype.to_be_bytes());
    f
}

pub fn run() -> Vec<ProbeResult> {
    let names = ["test_run_xdp", "test_run_socket_filter"];
    let mut storage = MaybeUninit::uninit();
    crate::sys::libbpf_log::take();
    let loaded = check_testrun::CheckTestrunSkelBuilder::default()
        .open(&mut storage)
        .map_err(|e| Failure::libbpf("open", &e))
        .and_then(|open| open.load().map_err(|e| Failure::libbpf("load", &e)));
    let skel = match loaded {
        Ok(skel) => skel,
        Err(why) => {
            return names
                .iter()
                .map(|n| why.clone().result(n, &NET_CAPS))
                .collect()
        }
    };

    let run = |prog: &libbpf_rs::ProgramMut, data: &[u8]| -> Result<u32, libbpf_rs::Error> {
        let input = ProgramInput {
            data_in: Some(data),
            ..Default::default()
        };
        prog.test_run(input).map(|out| out.return_value)
    };

    let ipv4 = frame(0x0800, 64);
    let arp = frame(0x0806, 64);
    let xdp = match (
        run(&skel.progs.xdp_classify, &ipv4),
        run(&skel.progs.xdp_classify, &arp),
    ) {
        (Ok(XDP_PASS), Ok(XDP_DROP)) => {
            ProbeResult::pass(names[0], "IPv4 frame → XDP_PASS, ARP frame → XDP_DROP")
        }
        (Ok(a), Ok(b)) => ProbeResult::fail(
            names[0],
            format!("returned {a} and {b}, expected XDP_PASS(2) and XDP_DROP(1)"),
        ),
        (Err(e), _) | (_, Err(e)) => classify(names[0], &e),
    };
    // The test run hands a socket filter the skb after eth_type_trans(), which has pulled the Ethernet header.
    let expected = ipv4.len() - ETH_HLEN;
    let socket = match run(&skel.progs.socket_keep_all, &ipv4) {
        Ok(n) if n as usize == expected => ProbeResult::pass(
            names[1],
            format!("skb->len {n} for a {}-byte frame", ipv4.len()),
        ),
        Ok(n) => ProbeResult::fail(
            names[1],
            format!("returned {n}, expected skb->len {expected}"),
        ),
        Err(e) => classify(names[1], &e),
    };
    vec![xdp, socket]
}

/// Old kernels answer ENOTSUPP for program types without a test-run implementation.
fn classify(name: &'static str, err: &libbpf_rs::Error) -> ProbeResult {
    let why = Failure::libbpf("BPF_PROG_TEST_RUN", err);
    match why.errno {
        Some(libc::EOPNOTSUPP) | Some(crate::error::ENOTSUPP) => {
            ProbeResult::unsupported(name, why.text)
        }
        _ => why.result(name, &NET_CAPS),
    }
}
