//! The maps chained calls pass, made once per probe run.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use libbpf_sys as sys;

use super::args::Args;
use crate::sys::map_ops;
use crate::sys::probe::load::{create_map, load_btf, MapSpec};
use crate::sys::probe::map::{spin_lock_value_btf, SpinLockValue};

/// The maps chained calls pass, created once per probe run. A map the kernel refuses leaves its helpers to
/// single probes.
#[derive(Default)]
pub struct ChainMaps {
    pub(super) array: Option<OwnedFd>,
    pub(super) perf_event_array: Option<OwnedFd>,
    pub(super) prog_array: Option<OwnedFd>,
    pub(super) ringbuf: Option<OwnedFd>,
    pub(super) cgroup_array: Option<OwnedFd>,
    pub(super) queue: Option<OwnedFd>,
    pub(super) percpu_array: Option<OwnedFd>,
    /// BTF-typed (int key and value): the kernel makes local storage only with BTF.
    pub(super) task_storage: Option<OwnedFd>,
    /// A frozen array the programs may only read, holding "x": the constant strings of snprintf and strncmp.
    pub(super) const_string: Option<OwnedFd>,
    /// Arrays whose value is a `struct { int cnt; struct bpf_spin_lock l; }` and a `struct { struct bpf_timer t; }`.
    pub(super) spin_lock: Option<OwnedFd>,
    pub(super) timer: Option<OwnedFd>,
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
            const_string: const_string(),
            ..ChainMaps::typed_by_btf()
        }
    }

    /// The maps that need BTF, from one BTF object: task storage, the spin lock and the timer values.
    fn typed_by_btf() -> ChainMaps {
        // The local-storage map probe's types, and a timer's.
        let SpinLockValue {
            blob: mut types,
            int,
            value: locked,
        } = spin_lock_value_btf();
        let timer = types.structure("bpf_timer", 16, false, &[]);
        let timed = types.structure("timed", 16, false, &[("t", timer, 0)]);
        let Ok(btf) = load_btf(&types.raw()) else {
            return ChainMaps::default();
        };
        let map = |map_type, value_size, max_entries, flags, value_type| {
            create_map(&MapSpec {
                map_type,
                key_size: 4,
                value_size,
                max_entries,
                flags,
                btf: Some((btf.as_raw_fd(), int, value_type)),
                ..Default::default()
            })
            .ok()
        };
        ChainMaps {
            task_storage: map(
                sys::BPF_MAP_TYPE_TASK_STORAGE,
                4,
                0,
                sys::BPF_F_NO_PREALLOC,
                int,
            ),
            spin_lock: map(sys::BPF_MAP_TYPE_ARRAY, 8, 1, 0, locked),
            timer: map(sys::BPF_MAP_TYPE_ARRAY, 16, 1, 0, timed),
            ..ChainMaps::default()
        }
    }

    /// The map a call's arguments need: Ok(None) for none, Err when it could not be created.
    pub(super) fn for_args(&self, args: Args) -> Result<Option<i32>, ()> {
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
            Args::SpinLock => &self.spin_lock,
            Args::TimerInit => &self.timer,
            _ => return Ok(None),
        };
        map.as_ref().map(|fd| Some(fd.as_raw_fd())).ok_or(())
    }
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
