//! libbpf's own CO-RE relocation code (relo_core.c and the candidate search of libbpf.c), linked in from the vendored
//! static libbpf, so `compat check` and `btf minimize` decide every relocation exactly as `bpf_object__load` does.
//! These functions are libbpf-internal (hidden visibility, no header in libbpf-sys): the structs below mirror
//! relo_core.h of libbpf 1.7 field by field, and the const asserts pin their layout to what gcc gives that header
//! (sizeof bpf_core_spec = 1312, bpf_core_relo_res = 40). bpftool's `gen min_core_btf` calls the same functions.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr};
use std::mem::{offset_of, size_of};
use std::sync::Mutex;

use libbpf_sys as ffi;

#[repr(C)]
struct CoreCand {
    btf: *const ffi::btf,
    id: u32,
}

#[repr(C)]
struct CoreCandList {
    cands: *mut CoreCand,
    len: c_int,
}

const SPEC_MAX_LEN: usize = 64;

#[repr(C)]
#[derive(Clone, Copy)]
struct CoreAccessor {
    type_id: u32,
    idx: u32,
    name: *const c_char,
}

#[repr(C)]
struct CoreSpec {
    btf: *const ffi::btf,
    spec: [CoreAccessor; SPEC_MAX_LEN],
    root_type_id: u32,
    relo_kind: u32,
    len: c_int,
    raw_spec: [c_int; SPEC_MAX_LEN],
    raw_len: c_int,
    bit_offset: u32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct CoreReloRes {
    orig_val: u64,
    new_val: u64,
    poison: bool,
    validate: bool,
    fail_memsz_adjust: bool,
    orig_sz: u32,
    orig_type_id: u32,
    new_sz: u32,
    new_type_id: u32,
}

const _: () = {
    assert!(size_of::<CoreCand>() == 16);
    assert!(size_of::<CoreCandList>() == 16);
    assert!(size_of::<CoreAccessor>() == 16);
    assert!(size_of::<CoreSpec>() == 1312);
    assert!(offset_of!(CoreSpec, root_type_id) == 1032);
    assert!(offset_of!(CoreSpec, raw_spec) == 1044);
    assert!(offset_of!(CoreSpec, bit_offset) == 1304);
    assert!(size_of::<CoreReloRes>() == 40);
    assert!(offset_of!(CoreReloRes, poison) == 16);
    assert!(offset_of!(CoreReloRes, orig_sz) == 20);
    assert!(offset_of!(CoreReloRes, new_type_id) == 32);
    assert!(size_of::<ffi::bpf_core_relo>() == 16);
    assert!(size_of::<ffi::bpf_insn>() == 8);
};

extern "C" {
    fn bpf_core_calc_relo_insn(
        prog_name: *const c_char,
        relo: *const ffi::bpf_core_relo,
        relo_idx: c_int,
        local_btf: *const ffi::btf,
        cands: *mut CoreCandList,
        specs_scratch: *mut CoreSpec,
        targ_res: *mut CoreReloRes,
    ) -> c_int;
    fn bpf_core_patch_insn(
        prog_name: *const c_char,
        insn: *mut ffi::bpf_insn,
        insn_idx: c_int,
        relo: *const ffi::bpf_core_relo,
        relo_idx: c_int,
        res: *const CoreReloRes,
    ) -> c_int;
    fn bpf_core_add_cands(
        local_cand: *mut CoreCand,
        local_essent_len: usize,
        targ_btf: *const ffi::btf,
        targ_btf_name: *const c_char,
        targ_start_id: c_int,
        cands: *mut CoreCandList,
    ) -> c_int;
    fn bpf_core_free_cands(cands: *mut CoreCandList);
    fn bpf_core_essential_name_len(name: *const c_char) -> usize;
}

/// Candidate type ids by (local BTF kind, local essential name).
type CandidateMemo = HashMap<(u32, Vec<u8>), Vec<u32>>;

/// A BTF blob as libbpf holds it (its own copy), freed on drop; split BTF keeps its base alive.
pub struct LibbpfBtf {
    ptr: *mut ffi::btf,
    _base: Option<Box<LibbpfBtf>>,
    /// As a target: bpf_core_add_cands' answers by (local kind, local essential name), which is all they depend on.
    /// The scan over every type is most of the work and repeats for every object checked against this kernel.
    cands: Mutex<CandidateMemo>,
}

// libbpf's struct btf is only read after construction (the memo has its own lock); nothing is tied to a thread.
unsafe impl Send for LibbpfBtf {}
unsafe impl Sync for LibbpfBtf {}

impl LibbpfBtf {
    /// libbpf's btf__new / btf__new_split over `data`; Err(errno) when libbpf rejects the blob.
    pub fn new(data: &[u8], base: Option<LibbpfBtf>) -> Result<LibbpfBtf, i32> {
        let len = u32::try_from(data.len()).map_err(|_| libc::E2BIG)?;
        // SAFETY: libbpf copies `data`; the base pointer outlives the split BTF (kept in `_base`).
        let ptr = unsafe {
            match &base {
                Some(b) => ffi::btf__new_split(data.as_ptr().cast(), len, b.ptr),
                None => ffi::btf__new(data.as_ptr().cast(), len),
            }
        };
        // SAFETY: libbpf_get_error only inspects the pointer value (ERR_PTR encoding or NULL + errno).
        let err = unsafe { ffi::libbpf_get_error(ptr.cast()) };
        if ptr.is_null() || err != 0 {
            return Err(if err != 0 { -err as i32 } else { libc::EINVAL });
        }
        Ok(LibbpfBtf {
            ptr,
            _base: base.map(Box::new),
            cands: Mutex::new(HashMap::new()),
        })
    }

    fn type_count(&self) -> u32 {
        // SAFETY: ptr is a live struct btf.
        unsafe { ffi::btf__type_cnt(self.ptr) }
    }

    /// The raw name and kind of type `id` (flavor suffix included), None for ids libbpf does not know.
    fn name_and_kind(&self, id: u32) -> Option<(&CStr, u32)> {
        if id >= self.type_count() {
            return None;
        }
        // SAFETY: id is in range, so btf__type_by_id returns a valid type; names live as long as the btf.
        unsafe {
            let t = ffi::btf__type_by_id(self.ptr, id);
            if t.is_null() {
                return None;
            }
            let name = ffi::btf__name_by_offset(self.ptr, (*t).name_off);
            (!name.is_null()).then(|| (CStr::from_ptr(name), ((*t).info >> 24) & 0x1f))
        }
    }

    /// bpf_core_add_cands of local type `id` against this BTF (as libbpf's vmlinux: from id 1), memoized.
    fn candidate_ids(&self, local: &LibbpfBtf, id: u32) -> Result<Vec<u32>, i32> {
        let (name, kind) = local.name_and_kind(id).ok_or(libc::EINVAL)?;
        if name.is_empty() {
            return Err(libc::EINVAL);
        }
        // SAFETY: name is NUL-terminated.
        let ess = unsafe { bpf_core_essential_name_len(name.as_ptr()) };
        let key = (
            kind,
            name.to_bytes()[..ess.min(name.to_bytes().len())].to_vec(),
        );
        let mut memo = self.cands.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ids) = memo.get(&key) {
            return Ok(ids.clone());
        }
        let mut list = CoreCandList {
            cands: std::ptr::null_mut(),
            len: 0,
        };
        let mut local_cand = CoreCand { btf: local.ptr, id };
        // SAFETY: libbpf grows `list.cands` with realloc; we read it, then free it with libc's free like libbpf.
        let ids = unsafe {
            let err = bpf_core_add_cands(
                &mut local_cand,
                ess,
                self.ptr,
                c"vmlinux".as_ptr(),
                1,
                &mut list,
            );
            let ids = (0..list.len.max(0) as usize)
                .map(|i| (*list.cands.add(i)).id)
                .collect::<Vec<u32>>();
            libc::free(list.cands.cast());
            if err != 0 {
                return Err(-err);
            }
            ids
        };
        memo.insert(key, ids.clone());
        Ok(ids)
    }
}

impl Drop for LibbpfBtf {
    fn drop(&mut self) {
        // SAFETY: ptr came from btf__new*; freed once, before `_base` is dropped.
        unsafe { ffi::btf__free(self.ptr) }
    }
}

/// One .BTF.ext CO-RE record, as libbpf reads it: instruction byte offset in its section, local root type, access
/// string offset in the local BTF's strings, relocation kind (`enum bpf_core_relo_kind`).
#[derive(Debug, Clone, Copy)]
pub struct CoreRelo {
    pub insn_off: u32,
    pub type_id: u32,
    pub access_str_off: u32,
    pub kind: u32,
}

/// The target side of a resolved relocation: the candidate's root type and the low-level access path in it
/// (first the array index of the root, then one member or array index per level, anonymous members included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// `enum bpf_core_relo_kind` of the relocation.
    pub relo_kind: u32,
    pub root_type_id: u32,
    pub raw_spec: Vec<u32>,
    pub bit_offset: u32,
}

/// What libbpf computed for one relocation (bpf_core_relo_res) and the target spec it matched, if any.
#[derive(Debug, Clone)]
pub struct Calculated {
    pub new_val: u64,
    /// Candidates considered (libbpf's cached list, already narrowed by earlier relocations of the same type).
    pub candidates: usize,
    pub target: Option<TargetSpec>,
    res: CoreReloRes,
}

/// The instruction after libbpf's bpf_core_patch_insn, or the errno it refused with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patched {
    /// The relocated instruction (and its second half for ldimm64), as the kernel will receive it.
    Insn([u64; 2]),
    /// Replaced by libbpf's poison call (`call 0xbad2310`): the verifier rejects it if reachable.
    Poisoned,
}

/// libbpf's poisoned-instruction signature (bpf_core_poison_insn).
const POISON_IMM: i32 = 195896080;

/// Relocates the CO-RE records of one object against one target BTF, keeping libbpf's per-object candidate cache:
/// libbpf narrows a local type's cached candidate list to the candidates that matched, and later relocations of the
/// same type only see those, so records must be fed in .BTF.ext order through one `Relocator`.
pub struct Relocator<'a> {
    local: &'a LibbpfBtf,
    target: &'a LibbpfBtf,
    cache: HashMap<u32, *mut CoreCandList>,
}

impl<'a> Relocator<'a> {
    pub fn new(local: &'a LibbpfBtf, target: &'a LibbpfBtf) -> Self {
        Relocator {
            local,
            target,
            cache: HashMap::new(),
        }
    }

    /// bpf_core_find_cands for the target alone (a custom vmlinux BTF: libbpf never looks at modules then), as a
    /// per-object list libbpf may narrow, allocated the way bpf_core_free_cands frees it.
    fn candidates(&mut self, local_id: u32) -> Result<*mut CoreCandList, i32> {
        if let Some(c) = self.cache.get(&local_id) {
            return Ok(*c);
        }
        let ids = self.target.candidate_ids(self.local, local_id)?;
        // SAFETY: calloc'ed list and malloc'ed array (freed by bpf_core_free_cands), filled within bounds.
        unsafe {
            let list = libc::calloc(1, size_of::<CoreCandList>()) as *mut CoreCandList;
            let cands = libc::malloc(size_of::<CoreCand>() * ids.len().max(1)) as *mut CoreCand;
            if list.is_null() || cands.is_null() {
                libc::free(list.cast());
                libc::free(cands.cast());
                return Err(libc::ENOMEM);
            }
            for (i, &id) in ids.iter().enumerate() {
                cands.add(i).write(CoreCand {
                    btf: self.target.ptr,
                    id,
                });
            }
            (*list).cands = cands;
            (*list).len = ids.len() as c_int;
            self.cache.insert(local_id, list);
            Ok(list)
        }
    }

    /// bpf_core_calc_relo_insn for one record; Err(errno) is a relocation libbpf refuses (the load fails).
    pub fn calculate(
        &mut self,
        prog: &CStr,
        relo: &CoreRelo,
        idx: usize,
    ) -> Result<Calculated, i32> {
        // libbpf dereferences the local type unchecked; an id out of range would crash it.
        if relo.type_id >= self.local.type_count() {
            return Err(libc::EINVAL);
        }
        let raw = raw_relo(relo);
        let mut empty = CoreCandList {
            cands: std::ptr::null_mut(),
            len: 0,
        };
        let cands = if relo.kind == ffi::BPF_CORE_TYPE_ID_LOCAL {
            &mut empty as *mut CoreCandList
        } else {
            self.candidates(relo.type_id)?
        };
        // SAFETY: cands is a live list; 3 zeroed specs are what libbpf's callers pass as scratch (plain data, NULL
        // pointers); res is plain data.
        unsafe {
            let candidates = (*cands).len as usize;
            let mut specs: Vec<CoreSpec> = (0..3).map(|_| std::mem::zeroed()).collect();
            let mut res = CoreReloRes::default();
            let err = bpf_core_calc_relo_insn(
                prog.as_ptr(),
                &raw,
                idx as c_int,
                self.local.ptr,
                cands,
                specs.as_mut_ptr(),
                &mut res,
            );
            if err != 0 {
                return Err(-err);
            }
            // specs[2] is the target spec; libbpf fills it only when a candidate matched.
            let t = &specs[2];
            let target = (!t.btf.is_null()).then(|| TargetSpec {
                relo_kind: t.relo_kind,
                root_type_id: t.root_type_id,
                raw_spec: t.raw_spec[..(t.raw_len.clamp(0, SPEC_MAX_LEN as c_int) as usize)]
                    .iter()
                    .map(|&i| i as u32)
                    .collect(),
                bit_offset: t.bit_offset,
            });
            Ok(Calculated {
                new_val: res.new_val,
                candidates,
                target,
                res,
            })
        }
    }

    /// bpf_core_patch_insn on a copy of the instruction (two slots, for ldimm64): what the kernel would receive.
    pub fn patch(
        &self,
        prog: &CStr,
        insn: [u64; 2],
        relo: &CoreRelo,
        idx: usize,
        calc: &Calculated,
    ) -> Result<Patched, i32> {
        let raw = raw_relo(relo);
        let mut insns = insn;
        // SAFETY: two 8-byte, 8-aligned instructions; libbpf touches at most insn[0] and insn[1].
        let err = unsafe {
            bpf_core_patch_insn(
                prog.as_ptr(),
                insns.as_mut_ptr().cast(),
                (relo.insn_off / 8) as c_int,
                &raw,
                idx as c_int,
                &calc.res,
            )
        };
        if err != 0 {
            return Err(-err);
        }
        let code = insns[0] as u8;
        let imm = (insns[0] >> 32) as i32;
        Ok(if code == 0x85 && imm == POISON_IMM {
            Patched::Poisoned
        } else {
            Patched::Insn(insns)
        })
    }
}

impl Drop for Relocator<'_> {
    fn drop(&mut self) {
        for (_, list) in self.cache.drain() {
            // SAFETY: every cached list came from calloc + bpf_core_add_cands and is freed once.
            unsafe { bpf_core_free_cands(list) }
        }
    }
}

fn raw_relo(r: &CoreRelo) -> ffi::bpf_core_relo {
    ffi::bpf_core_relo {
        insn_off: r.insn_off,
        type_id: r.type_id,
        access_str_off: r.access_str_off,
        kind: r.kind,
    }
}
