//! `map watch` (ring buffers) and `map event_pipe` (perf event arrays): one line per event until Ctrl-C, SIGTERM
//! or a closed pipe, each of which ends the stream with exit 0 after everything read has been written.

use std::cell::RefCell;
use std::io;
use std::os::fd::AsFd;
use std::rc::Rc;
use std::time::Duration;

use libbpf_sys as sys;

use crate::cmd::map::open::OpenMap;
use crate::cmd::map::words::Words;
use crate::cmd::{CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::output::stream::EventWriter;
use crate::sys::perf_buffer::{PerfRecord, RawPerfBuffer};
use crate::sys::signal;

/// How long one poll may block: the latency of noticing Ctrl-C.
const POLL: Duration = Duration::from_millis(100);

pub fn watch(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map watch");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    let one = one_cpu(&mut w)?;
    w.finish()?;
    match map.info.map_type {
        sys::BPF_MAP_TYPE_RINGBUF if one.is_some() => Err(Error::new(
            ErrorKind::InvalidInput,
            &map.label,
            "`cpu N index M` is for perf event arrays; a ring buffer is one stream",
        )),
        sys::BPF_MAP_TYPE_RINGBUF => stream_ringbuf(ctx, &map),
        sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY => stream_perf(ctx, &map, one),
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            &map.label,
            "only ring buffers and perf event arrays can be streamed; use `map dump`",
        )),
    }
}

fn handle(map: &OpenMap) -> crate::error::Result<libbpf_rs::MapHandle> {
    libbpf_rs::MapHandle::from_map_id(map.info.id)
        .map_err(|e| Error::new(ErrorKind::Kernel, &map.label, crate::sys::libbpf_reason(&e)))
}

/// Runs `poll` until asked to stop or until the writer fails; a closed pipe is a normal end.
fn pump(
    map: &OpenMap,
    writer: &Rc<RefCell<EventWriter>>,
    mut poll: impl FnMut() -> i32,
) -> CmdResult {
    signal::stop_on_interrupt();
    while !signal::stop_requested() {
        let rc = poll();
        if rc < 0 && rc != -libc::EINTR {
            return Err(Error::from_errno(&map.label, -rc, "poll failed"));
        }
        match writer.borrow_mut().flush() {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Outcome::Success),
            Err(e) => return Err(map.error(&e, "write failed")),
        }
    }
    writer.borrow_mut().flush().ok();
    Ok(Outcome::Success)
}

fn stream_ringbuf(ctx: &Context, map: &OpenMap) -> CmdResult {
    let handle = handle(map)?;
    let writer = Rc::new(RefCell::new(ctx.out.event_writer()));
    let sink = writer.clone();
    let mut builder = libbpf_rs::RingBufferBuilder::new();
    builder
        .add(&handle, move |data: &[u8]| {
            sink.borrow_mut().ring_event(data);
            0
        })
        .map_err(|e| Error::new(ErrorKind::Kernel, &map.label, crate::sys::libbpf_reason(&e)))?;
    let ring = builder
        .build()
        .map_err(|e| Error::new(ErrorKind::Kernel, &map.label, crate::sys::libbpf_reason(&e)))?;
    pump(map, &writer, || ring.poll_raw(POLL))
}

/// bpftool's `cpu N index M` (both or neither): read CPU N's events through slot M of the array.
fn one_cpu(w: &mut Words<'_>) -> Result<Option<(i32, i32)>> {
    let (mut cpu, mut index) = (None, None);
    while let Some(word) = w.peek() {
        let slot = match word {
            "cpu" => &mut cpu,
            "index" => &mut index,
            _ => break,
        };
        w.next();
        let text = w.value(word)?;
        let n = text
            .parse::<u32>()
            .ok()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    "map event_pipe",
                    format!("{word} '{text}' is not a number"),
                )
            })?;
        *slot = Some(n);
    }
    match (cpu, index) {
        (None, None) => Ok(None),
        (Some(cpu), Some(index)) => Ok(Some((cpu, index))),
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            "map event_pipe",
            "cpu and index go together (cpu N index M)",
        )),
    }
}

/// A perf event array through a raw perf buffer, so that each event keeps its time stamp, as bpftool prints it;
/// without `cpu N index M` every CPU writes to its own slot.
fn stream_perf(ctx: &Context, map: &OpenMap, one: Option<(i32, i32)>) -> CmdResult {
    let writer = Rc::new(RefCell::new(ctx.out.event_writer()));
    let sink = writer.clone();
    let perf = RawPerfBuffer::new(map.fd.as_fd(), one, move |cpu, record| {
        let index = one.map_or(cpu, |(_, index)| index);
        match record {
            PerfRecord::Sample { time, data } => {
                sink.borrow_mut().perf_event(cpu, index, time, data)
            }
            PerfRecord::Lost { id, count } => sink.borrow_mut().perf_lost(cpu, index, id, count),
            PerfRecord::Other => {}
        }
    })
    .map_err(|e| map.error(&e, "cannot open a perf buffer"))?;
    pump(map, &writer, || perf.poll(POLL.as_millis() as i32))
}
