//! Kernel timestamps as wall-clock time. The kernel stamps BPF objects with CLOCK_BOOTTIME nanoseconds; bpftool
//! shows them as epoch seconds in JSON and local ISO 8601 in text, computing the boot epoch from the difference
//! between CLOCK_REALTIME and CLOCK_BOOTTIME read now. We do the same so both tools print the same second.

fn clock_ns(clock: libc::clockid_t) -> Option<i128> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to fill.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128)
}

/// Nanoseconds on one clock, 0 if it cannot be read (every clock used here exists since Linux 2.6.39).
fn now_ns(clock: libc::clockid_t) -> u64 {
    clock_ns(clock).map_or(0, |ns| ns as u64)
}

/// CLOCK_BOOTTIME now: the clock of the kernel's `load_time`, which keeps counting through suspend.
pub fn boottime_ns() -> u64 {
    now_ns(libc::CLOCK_BOOTTIME)
}

/// CLOCK_REALTIME now, as nanoseconds since the epoch.
pub fn realtime_ns() -> u64 {
    now_ns(libc::CLOCK_REALTIME)
}

/// CPU time this process has used so far, all threads, user and system.
pub fn process_cpu_ns() -> u64 {
    now_ns(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time the calling thread has used so far, user and system.
pub fn thread_cpu_ns() -> u64 {
    now_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Wall-clock epoch seconds of a CLOCK_BOOTTIME timestamp in nanoseconds.
pub fn boottime_to_epoch(boot_ns: u64) -> i64 {
    let offset = match (
        clock_ns(libc::CLOCK_REALTIME),
        clock_ns(libc::CLOCK_BOOTTIME),
    ) {
        (Some(real), Some(boot)) => real - boot,
        _ => 0,
    };
    (offset + boot_ns as i128).div_euclid(1_000_000_000) as i64
}

/// Local time as ISO 8601 with the UTC offset, bpftool's `%FT%T%z`: 2026-11-28T10:13:11+0000.
// libc marks musl's time_t deprecated because musl 1.2 widened it; on x86_64 it is 64-bit either way.
#[allow(deprecated)]
pub fn local_iso8601(epoch: i64) -> String {
    let t: libc::time_t = epoch as libc::time_t;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: t and tm are valid; localtime_r is the thread-safe variant.
    let ok = unsafe { !libc::localtime_r(&t, tm.as_mut_ptr()).is_null() };
    if !ok {
        return epoch.to_string();
    }
    // SAFETY: localtime_r succeeded and filled tm.
    let tm = unsafe { tm.assume_init() };
    let offset_min = tm.tm_gmtoff / 60;
    let sign = if offset_min < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        sign,
        offset_min.abs() / 60,
        offset_min.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_zero_is_in_the_past_and_formats() {
        let boot = boottime_to_epoch(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!(boot <= now && boot > 0, "{boot} vs {now}");
        let text = local_iso8601(boot);
        assert_eq!(text.len(), "2026-11-28T10:13:11+0000".len(), "{text}");
        assert_eq!(&text[10..11], "T");
    }
}
