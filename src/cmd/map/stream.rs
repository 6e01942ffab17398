//! `map watch` (ring buffers) and `map event_pipe` (perf event arrays): one line per event until Ctrl-C, SIGTERM
//! or a closed pipe, each of which ends the stream with exit 0 after everything read has been written.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use libbpf_sys as sys;

use crate::cmd::map::open::OpenMap;
use crate::cmd::map::words::Words;
use crate::cmd::{CmdResult, Context, Outcome};
use crate::error::{Error, ErrorKind};
use crate::output::stream::EventWriter;
use crate::sys::signal;

/// How long one poll may block: the latency of noticing Ctrl-C.
const POLL: Duration = Duration::from_millis(100);

pub fn watch(ctx: &Context, words: &[String]) -> CmdResult {
    let mut w = Words::new(words, "map watch");
    let map = OpenMap::open(&w.map_ref()?, false)?;
    w.finish()?;
    match map.info.map_type {
        sys::BPF_MAP_TYPE_RINGBUF => stream_ringbuf(ctx, &map),
        sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY => stream_perf(ctx, &map),
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

fn stream_perf(ctx: &Context, map: &OpenMap) -> CmdResult {
    let handle = handle(map)?;
    let writer = Rc::new(RefCell::new(ctx.out.event_writer()));
    let (samples, losses) = (writer.clone(), writer.clone());
    // The perf buffer opens one perf event per CPU and stores their fds in the map, as bpftool's event_pipe does.
    let perf = libbpf_rs::PerfBufferBuilder::new(&handle)
        .sample_cb(move |cpu, data: &[u8]| samples.borrow_mut().perf_event(cpu, data))
        .lost_cb(move |cpu, count| losses.borrow_mut().perf_lost(cpu, count))
        .build()
        .map_err(|e| Error::new(ErrorKind::Kernel, &map.label, crate::sys::libbpf_reason(&e)))?;
    pump(map, &writer, || match perf.poll(POLL) {
        Ok(()) => 0,
        Err(e) => -crate::sys::libbpf_errno(&e).unwrap_or(libc::EIO),
    })
}
