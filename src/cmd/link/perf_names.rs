//! perf event types and configs by the names perf(1) and bpftool use, for perf_event links on hardware and
//! software events. Unknown values stay numbers.

use serde_json::Value;

const PERF_TYPE_HARDWARE: u32 = 0;
const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_TYPE_HW_CACHE: u32 = 3;

const TYPES: &[&str] = &[
    "hardware",
    "software",
    "tracepoint",
    "hw-cache",
    "raw",
    "breakpoint",
];

const HARDWARE: &[&str] = &[
    "cpu-cycles",
    "instructions",
    "cache-references",
    "cache-misses",
    "branch-instructions",
    "branch-misses",
    "bus-cycles",
    "stalled-cycles-frontend",
    "stalled-cycles-backend",
    "ref-cycles",
];

const SOFTWARE: &[&str] = &[
    "cpu-clock",
    "task-clock",
    "page-faults",
    "context-switches",
    "cpu-migrations",
    "minor-faults",
    "major-faults",
    "alignment-faults",
    "emulation-faults",
    "dummy",
    "bpf-output",
    "cgroup-switches",
];

const CACHE: &[&str] = &[
    "L1-dcache",
    "L1-icache",
    "LLC",
    "dTLB",
    "iTLB",
    "branch",
    "node",
];
const CACHE_OP: &[&str] = &["load", "store", "prefetch"];
const CACHE_RESULT: &[&str] = &["refs", "misses"];

fn name_in(table: &[&'static str], value: u64) -> Option<&'static str> {
    usize::try_from(value)
        .ok()
        .and_then(|i| table.get(i).copied())
}

pub fn event_type(event_type: u32) -> Value {
    name_in(TYPES, event_type as u64).map_or(Value::from(event_type), Value::from)
}

/// `L1-dcache-load-misses` style names for hw-cache configs: cache id, op and result, each a byte.
fn hw_cache(config: u64) -> String {
    let part = |table: &[&'static str], v: u64| {
        name_in(table, v).map_or_else(|| v.to_string(), str::to_string)
    };
    format!(
        "{}-{}-{}",
        part(CACHE, config & 0xff),
        part(CACHE_OP, (config >> 8) & 0xff),
        part(CACHE_RESULT, config >> 16)
    )
}

pub fn event_config(event_type: u32, config: u64) -> Value {
    let named = match event_type {
        PERF_TYPE_HARDWARE => name_in(HARDWARE, config).map(str::to_string),
        PERF_TYPE_SOFTWARE => name_in(SOFTWARE, config).map(str::to_string),
        PERF_TYPE_HW_CACHE => Some(hw_cache(config)),
        _ => None,
    };
    named.map_or(Value::from(config), Value::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_events_like_perf() {
        assert_eq!(event_type(1), "software");
        assert_eq!(event_type(42), 42);
        assert_eq!(event_config(1, 0), "cpu-clock");
        assert_eq!(event_config(3, 0x10000), "L1-dcache-load-misses");
        assert_eq!(event_config(4, 7), 7);
    }
}
