//! A perf buffer on a BPF_MAP_TYPE_PERF_EVENT_ARRAY as bpftool's `map event_pipe` opens it: BPF output events
//! with their time stamps (PERF_SAMPLE_RAW | PERF_SAMPLE_TIME), on every CPU (slot = CPU) or on one CPU into a
//! chosen slot (`cpu N index M`). libbpf's raw perf buffer does the mmap and polling; records are handed over as
//! `PerfRecord`s.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::raw::{c_int, c_void};

/// One record of the ring, as the program's `bpf_perf_event_output` produced it (or the kernel's loss count).
pub enum PerfRecord<'a> {
    Sample {
        time: u64,
        data: &'a [u8],
    },
    Lost {
        id: u64,
        count: u64,
    },
    /// Any other record type (none is expected from BPF output events).
    Other,
}

type Callback = Box<dyn FnMut(i32, PerfRecord<'_>)>;

pub struct RawPerfBuffer {
    pb: *mut libbpf_sys::perf_buffer,
    // Boxed twice so the pointer libbpf keeps stays valid while this struct moves.
    _callback: Box<Callback>,
}

const PAGES: usize = 16;

/// The record after its header, as laid out for PERF_SAMPLE_TIME | PERF_SAMPLE_RAW and PERF_RECORD_LOST.
fn parse(kind: u32, body: &[u8]) -> PerfRecord<'_> {
    let u64_at = |off: usize| {
        body.get(off..off + 8)
            .map(|b| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8])))
    };
    match kind {
        libbpf_sys::PERF_RECORD_SAMPLE => {
            let time = u64_at(0).unwrap_or(0);
            let size = body.get(8..12).map_or(0, |b| {
                u32::from_ne_bytes(b.try_into().unwrap_or([0; 4])) as usize
            });
            let data = body.get(12..12 + size).unwrap_or(&[]);
            PerfRecord::Sample { time, data }
        }
        libbpf_sys::PERF_RECORD_LOST => PerfRecord::Lost {
            id: u64_at(0).unwrap_or(0),
            count: u64_at(8).unwrap_or(0),
        },
        _ => PerfRecord::Other,
    }
}

unsafe extern "C" fn on_event(
    ctx: *mut c_void,
    cpu: c_int,
    event: *mut libbpf_sys::perf_event_header,
) -> libbpf_sys::bpf_perf_event_ret {
    // SAFETY: ctx is the Callback box RawPerfBuffer keeps alive; libbpf hands a whole record of header.size bytes.
    let (callback, header) = unsafe { (&mut *(ctx as *mut Callback), &*event) };
    let len =
        (header.size as usize).saturating_sub(std::mem::size_of::<libbpf_sys::perf_event_header>());
    // SAFETY: the record's body follows its header inside the ring (libbpf copies wrapped records out first).
    let body = unsafe {
        std::slice::from_raw_parts(
            (event as *const u8).add(std::mem::size_of::<libbpf_sys::perf_event_header>()),
            len,
        )
    };
    callback(cpu, parse(header.type_, body));
    libbpf_sys::LIBBPF_PERF_EVENT_CONT
}

impl RawPerfBuffer {
    /// Opens the buffer; `one` = Some((cpu, slot)) reads one CPU into one slot of the array, None every CPU.
    pub fn new(
        map: BorrowedFd<'_>,
        one: Option<(i32, i32)>,
        callback: impl FnMut(i32, PerfRecord<'_>) + 'static,
    ) -> io::Result<RawPerfBuffer> {
        let mut attr = libbpf_sys::perf_event_attr {
            type_: libbpf_sys::PERF_TYPE_SOFTWARE,
            config: u64::from(libbpf_sys::PERF_COUNT_SW_BPF_OUTPUT),
            sample_type: u64::from(libbpf_sys::PERF_SAMPLE_RAW | libbpf_sys::PERF_SAMPLE_TIME),
            ..Default::default()
        };
        attr.__bindgen_anon_1.sample_period = 1;
        attr.__bindgen_anon_2.wakeup_events = 1;
        let (mut cpu, mut key) = one.unwrap_or((0, 0));
        let opts = libbpf_sys::perf_buffer_raw_opts {
            sz: std::mem::size_of::<libbpf_sys::perf_buffer_raw_opts>() as _,
            cpu_cnt: i32::from(one.is_some()),
            cpus: &mut cpu,
            map_keys: &mut key,
            ..Default::default()
        };
        let mut callback: Box<Callback> = Box::new(Box::new(callback));
        let ctx = (&mut *callback as *mut Callback).cast::<c_void>();
        // SAFETY: attr and opts are valid for the call (libbpf copies what it keeps); ctx points to the boxed
        // callback, which lives as long as the buffer.
        let pb = unsafe {
            libbpf_sys::perf_buffer__new_raw(
                map.as_raw_fd(),
                PAGES as _,
                &mut attr,
                Some(on_event),
                ctx,
                &opts,
            )
        };
        if pb.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(RawPerfBuffer {
            pb,
            _callback: callback,
        })
    }

    /// Waits up to `timeout_ms` for records and hands them to the callback; a negative errno on failure.
    pub fn poll(&self, timeout_ms: i32) -> i32 {
        // SAFETY: pb is a live perf buffer owned by self.
        unsafe { libbpf_sys::perf_buffer__poll(self.pb, timeout_ms) }
    }
}

impl Drop for RawPerfBuffer {
    fn drop(&mut self) {
        // SAFETY: pb came from perf_buffer__new_raw and is freed once, here.
        unsafe { libbpf_sys::perf_buffer__free(self.pb) }
    }
}
