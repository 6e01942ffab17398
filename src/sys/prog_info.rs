//! What the kernel says about one loaded program, as an owned Rust struct.

use std::io;
use std::os::fd::BorrowedFd;

use super::bpf_obj::{c_chars, get_info, zeroed};

/// Map ids fetched in the first query; a program using more is asked again with room for all of them.
const MAP_IDS_FIRST_TRY: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct ProgInfo {
    pub id: u32,
    pub prog_type: u32,
    /// The kernel's copy of the name: at most 15 bytes (BPF_OBJ_NAME_LEN - 1), cut without notice.
    pub name: String,
    pub tag: [u8; 8],
    pub gpl_compatible: bool,
    /// Nanoseconds since boot (CLOCK_BOOTTIME) when it was loaded; 0 on kernels that do not say.
    pub load_time_ns: u64,
    pub created_by_uid: u32,
    pub xlated_len: u32,
    pub jited_len: u32,
    pub map_ids: Vec<u32>,
    pub btf_id: u32,
    /// BTF type id of the program's main function (func_info[0]), when it was loaded with BTF func info.
    pub func_type_id: Option<u32>,
    pub ifindex: u32,
    pub netns_dev: u64,
    pub netns_ino: u64,
    pub run_time_ns: u64,
    pub run_cnt: u64,
    pub recursion_misses: u64,
    pub verified_insns: u32,
    /// Offloaded to a device that no longer exists.
    pub orphaned: bool,
}

/// The kernel's `struct bpf_func_info` (uapi/linux/bpf.h).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct FuncInfo {
    insn_off: u32,
    type_id: u32,
}

/// One query fills everything, map ids and the first func_info record included; only a program with more than
/// `MAP_IDS_FIRST_TRY` maps costs a second call.
pub fn prog_info(fd: BorrowedFd<'_>) -> io::Result<ProgInfo> {
    let mut capacity = MAP_IDS_FIRST_TRY;
    loop {
        let mut map_ids = vec![0u32; capacity];
        let mut func = FuncInfo::default();
        let mut raw: libbpf_sys::bpf_prog_info = zeroed();
        raw.nr_map_ids = capacity as u32;
        raw.map_ids = map_ids.as_mut_ptr() as u64;
        raw.nr_func_info = 1;
        raw.func_info_rec_size = std::mem::size_of::<FuncInfo>() as u32;
        raw.func_info = (&mut func as *mut FuncInfo) as u64;
        // SAFETY: map_ids holds `capacity` u32 and func one record of the declared size, both alive for the call.
        let orphaned = match unsafe { get_info(fd, &mut raw) } {
            Ok(_) => false,
            // A device-bound program whose device is gone: the kernel has filled the common fields and says
            // ENODEV; bpftool (7.3 and later) shows such a program as "orphaned" rather than failing.
            Err(e) if e.raw_os_error() == Some(libc::ENODEV) => true,
            Err(e) => return Err(e),
        };
        let total = raw.nr_map_ids as usize;
        if total > capacity {
            capacity = total;
            continue;
        }
        map_ids.truncate(total);
        // The kernel zeroes func_info when the caller may not see raw info (bpf_dump_raw_ok) or there is none.
        let func_type_id = (raw.nr_func_info > 0 && raw.func_info != 0 && func.type_id != 0)
            .then_some(func.type_id);
        return Ok(ProgInfo {
            id: raw.id,
            prog_type: raw.type_,
            name: c_chars(&raw.name),
            tag: raw.tag,
            gpl_compatible: raw.gpl_compatible() != 0,
            load_time_ns: raw.load_time,
            created_by_uid: raw.created_by_uid,
            xlated_len: raw.xlated_prog_len,
            jited_len: raw.jited_prog_len,
            map_ids,
            btf_id: raw.btf_id,
            func_type_id,
            ifindex: raw.ifindex,
            netns_dev: raw.netns_dev,
            netns_ino: raw.netns_ino,
            run_time_ns: raw.run_time_ns,
            run_cnt: raw.run_cnt,
            recursion_misses: raw.recursion_misses,
            verified_insns: raw.verified_insns,
            orphaned,
        });
    }
}
