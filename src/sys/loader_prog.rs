//! libbpf's loader program (what bpftool's `-L` and light skeletons use, and what bpftool 7.7 signs with `-S`):
//! libbpf turns an object into one BPF_PROG_TYPE_SYSCALL program plus a data blob that, run once, creates the
//! maps and loads the programs. The kernel (6.18+) verifies a signature over the loader's instructions; the loader
//! checks the SHA-256 of its data map, which is frozen and made exclusive to the loader, so the signature covers
//! everything loaded. The steps follow libbpf's skel_internal.h `bpf_load_and_run`.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

use libbpf_sys as sys;
use sha2::{Digest, Sha256};

use super::bpf::{c_path, fd_result, rc_result};

/// The loader program and its data, and what it will create: the object's programs (for naming the fds it
/// returns) and maps (for a light skeleton's context and data sections).
pub struct LoaderImage {
    pub insns: Vec<u8>,
    pub data: Vec<u8>,
    /// Programs libbpf would load, in object order; the loader returns their fds in this order.
    pub programs: Vec<LoaderProgram>,
    /// Maps of the object as libbpf counts them (.data/.rodata/.bss/.kconfig included): one context slot each.
    pub maps: Vec<LoaderMap>,
}

pub struct LoaderProgram {
    pub name: String,
    pub section: String,
    pub prog_type: u32,
    pub expected_attach_type: u32,
}

/// A map as libbpf prepared it for the loader (after load, so .kconfig holds the values libbpf resolved).
pub struct LoaderMap {
    pub name: String,
    pub map_flags: u32,
    pub value_size: u32,
    pub max_entries: u32,
    /// A data map's initial contents (empty for other maps).
    pub initial_value: Vec<u8>,
}

/// What failed while generating, with libbpf's errno.
pub struct GenError {
    pub errno: i32,
    pub what: &'static str,
}

/// Opens the object (its vetted bytes: libbpf never opens a user's path) with libbpf and records its load as a
/// loader program; `hashed` adds the check of its data map's SHA-256 that a signature relies on. `btf`: CO-RE
/// target BTF instead of the running kernel's (a /proc/self/fd path of vetted bytes). `name`: the object's name,
/// which prefixes its data maps' names.
pub fn generate(
    object: &[u8],
    btf: Option<&Path>,
    hashed: bool,
    name: &str,
) -> Result<LoaderImage, GenError> {
    let arena_globals =
        matches!(crate::elf::section_data(object, ".addr_space.1"), Ok(Some(d)) if !d.is_empty());
    let fail = |errno: i32, what| GenError {
        errno: errno.abs(),
        what,
    };
    let btf_path = btf
        .map(c_path)
        .transpose()
        .map_err(|_| fail(libc::EINVAL, "bad BTF path"))?;
    let name = std::ffi::CString::new(name).map_err(|_| fail(libc::EINVAL, "bad object name"))?;
    // SAFETY: zero is a valid value for every field of these C option structs (libbpf reads them by `sz`).
    let mut open_opts: sys::bpf_object_open_opts = unsafe { std::mem::zeroed() };
    open_opts.sz = std::mem::size_of::<sys::bpf_object_open_opts>() as _;
    open_opts.btf_custom_path = btf_path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    open_opts.object_name = name.as_ptr();
    // SAFETY: the bytes, name and options outlive the call (libbpf copies the object); a null or error pointer is
    // checked below.
    let obj = unsafe {
        sys::bpf_object__open_mem(object.as_ptr() as *const _, object.len() as _, &open_opts)
    };
    let open_err = unsafe { sys::libbpf_get_error(obj as *const _) } as i32;
    if obj.is_null() || open_err != 0 {
        return Err(fail(open_err, "libbpf cannot open it"));
    }
    let object = OpenObject(obj);
    // libbpf 1.7 crashes recording a struct_ops map into a loader program (bpftool -L too): refuse it first.
    if object.has_map_of(sys::BPF_MAP_TYPE_STRUCT_OPS) {
        return Err(fail(
            libc::EINVAL,
            "libbpf's loader program cannot create struct_ops maps",
        ));
    }
    // And an arena with globals in it (`__arena` variables, section .addr_space.1) dies of SIGBUS: libbpf maps
    // the arena through the placeholder fd of a map it never created, to copy the globals in.
    if arena_globals && object.has_map_of(sys::BPF_MAP_TYPE_ARENA) {
        return Err(fail(
            libc::EINVAL,
            "libbpf's loader program cannot fill an arena's globals",
        ));
    }
    // SAFETY: as above; libbpf keeps a pointer to `gen` until load returns, and fills insns/data in it.
    let mut gen: sys::gen_loader_opts = unsafe { std::mem::zeroed() };
    gen.sz = std::mem::size_of::<sys::gen_loader_opts>() as _;
    gen.gen_hash = hashed;
    rc_result(unsafe { sys::bpf_object__gen_loader(object.0, &mut gen) }).map_err(|e| {
        fail(
            e.raw_os_error().unwrap_or(libc::EINVAL),
            "cannot generate a loader",
        )
    })?;
    rc_result(unsafe { sys::bpf_object__load(object.0) }).map_err(|e| {
        fail(
            e.raw_os_error().unwrap_or(libc::EINVAL),
            "cannot build the loader program",
        )
    })?;
    if gen.insns.is_null() || gen.data.is_null() {
        return Err(fail(libc::EINVAL, "libbpf produced no loader"));
    }
    // SAFETY: libbpf set insns/data to buffers of insns_sz/data_sz bytes owned by the object, alive until close.
    let insns =
        unsafe { std::slice::from_raw_parts(gen.insns.cast::<u8>(), gen.insns_sz as usize) };
    let data = unsafe { std::slice::from_raw_parts(gen.data.cast::<u8>(), gen.data_sz as usize) };
    Ok(LoaderImage {
        insns: insns.to_vec(),
        data: data.to_vec(),
        programs: object.programs(),
        maps: object.maps(),
    })
}

/// An open libbpf object, closed on drop.
struct OpenObject(*mut sys::bpf_object);

/// A C string libbpf owns, copied (empty for null).
fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: libbpf returns NUL-terminated strings that live as long as the object.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

impl OpenObject {
    fn has_map_of(&self, map_type: sys::bpf_map_type) -> bool {
        let mut map = std::ptr::null_mut();
        loop {
            // SAFETY: iterating the open object's maps.
            map = unsafe { sys::bpf_object__next_map(self.0, map) };
            if map.is_null() {
                return false;
            }
            if unsafe { sys::bpf_map__type(map) } == map_type {
                return true;
            }
        }
    }

    fn maps(&self) -> Vec<LoaderMap> {
        let mut out = Vec::new();
        let mut map = std::ptr::null_mut();
        loop {
            // SAFETY: iterating the object's maps; each pointer stays valid while the object is open, and an
            // initial value is a buffer of `size` bytes owned by the map, copied here.
            unsafe {
                map = sys::bpf_object__next_map(self.0, map);
                if map.is_null() {
                    return out;
                }
                let internal = sys::bpf_map__is_internal(map);
                let mut size: sys::size_t = 0;
                let value = match internal {
                    true => sys::bpf_map__initial_value(map, &mut size),
                    false => std::ptr::null_mut(),
                };
                out.push(LoaderMap {
                    name: text(sys::bpf_map__name(map)),
                    map_flags: sys::bpf_map__map_flags(map),
                    value_size: sys::bpf_map__value_size(map),
                    max_entries: sys::bpf_map__max_entries(map),
                    initial_value: match value.is_null() {
                        true => Vec::new(),
                        false => {
                            std::slice::from_raw_parts(value as *const u8, size as usize).to_vec()
                        }
                    },
                });
            }
        }
    }

    fn programs(&self) -> Vec<LoaderProgram> {
        let mut out = Vec::new();
        let mut prog = std::ptr::null_mut();
        loop {
            // SAFETY: iterating the object's programs; each pointer stays valid while the object is open.
            prog = unsafe { sys::bpf_object__next_program(self.0, prog) };
            if prog.is_null() {
                return out;
            }
            if !unsafe { sys::bpf_program__autoload(prog) } {
                continue;
            }
            // SAFETY: as above.
            out.push(unsafe {
                LoaderProgram {
                    name: text(sys::bpf_program__name(prog)),
                    section: text(sys::bpf_program__section_name(prog)),
                    prog_type: sys::bpf_program__type(prog),
                    expected_attach_type: sys::bpf_program__expected_attach_type(prog),
                }
            });
        }
    }
}

impl Drop for OpenObject {
    fn drop(&mut self) {
        // SAFETY: the object was opened by us and is closed once.
        unsafe { sys::bpf_object__close(self.0) }
    }
}

/// The signature for BPF_PROG_LOAD and the keyring holding the key that verifies it.
pub struct Signature<'a> {
    pub cms: &'a [u8],
    pub keyring_id: i32,
}

/// The step that creates the loader's data map (exclusive to the loader when signed).
pub const MAP_CREATE: &str = "create the loader map";

/// The step that loads the loader program itself (BPF_PROG_TYPE_SYSCALL, with the signature when signed).
pub const LOADER_LOAD: &str = "load the loader program";

/// The step of a run that failed inside the loader program: one of the object's maps or programs was refused.
pub const LOADER_RAN: &str = "load the object (the loader program failed)";

/// Where a loader run failed, with the errno.
#[derive(Debug)]
pub struct RunError {
    pub step: &'static str,
    pub err: io::Error,
}

/// What the loader created: the programs' and maps' fds (absent where it created none), in object order.
pub struct Loaded {
    pub programs: Vec<Option<OwnedFd>>,
    pub maps: Vec<OwnedFd>,
}

// The loader's context (skel_internal.h, not in libbpf-sys's bindings): struct bpf_loader_ctx { u32 sz, flags,
// log_level, log_size; u64 log_buf }, then per map struct bpf_map_desc { int map_fd; u32 max_entries; u64
// initial_value }, then per program struct bpf_prog_desc { int prog_fd }.
const CTX_HEADER: usize = 24;
const MAP_DESC: usize = 16;
const PROG_DESC: usize = 4;

/// Creates the loader's data map (frozen; exclusive to the loader and hashed when signed), loads the loader (with
/// the signature, when given) and runs it once; the fds it leaves in its context are ours.
pub fn load_and_run(
    image: &LoaderImage,
    signature: Option<&Signature<'_>>,
) -> Result<Loaded, RunError> {
    let (nr_maps, nr_progs) = (image.maps.len(), image.programs.len());
    let step = |step| move |err| RunError { step, err };
    let prog_hash: [u8; 32] = Sha256::digest(&image.insns).into();
    let map = data_map(image, signature.map(|_| &prog_hash)).map_err(step(MAP_CREATE))?;
    let loader = load_loader(image, &map, signature).map_err(step(LOADER_LOAD))?;
    let mut ctx =
        vec![0u8; (CTX_HEADER + MAP_DESC * nr_maps + PROG_DESC * nr_progs).next_multiple_of(8)];
    let size = ctx.len() as u32;
    ctx[..4].copy_from_slice(&size.to_ne_bytes());
    // SAFETY: zero is valid for the options; ctx outlives the call and the kernel writes at most `size` bytes back.
    let mut run: sys::bpf_test_run_opts = unsafe { std::mem::zeroed() };
    run.sz = std::mem::size_of::<sys::bpf_test_run_opts>() as _;
    run.ctx_in = ctx.as_mut_ptr() as *const _;
    run.ctx_size_in = size;
    rc_result(unsafe { sys::bpf_prog_test_run_opts(loader.as_raw_fd(), &mut run) })
        .map_err(step("run the loader program"))?;
    let retval = run.retval as i32;
    if retval < 0 {
        // The loader closes what it made before it fails; its context holds no fds of ours then.
        return Err(RunError {
            step: LOADER_RAN,
            err: io::Error::from_raw_os_error(-retval),
        });
    }
    let fd_at =
        |off: usize| i32::from_ne_bytes([ctx[off], ctx[off + 1], ctx[off + 2], ctx[off + 3]]);
    let maps: Vec<OwnedFd> = (0..nr_maps)
        .filter_map(|i| owned(fd_at(CTX_HEADER + MAP_DESC * i)))
        .collect();
    let programs: Vec<Option<OwnedFd>> = (0..nr_progs)
        .map(|i| owned(fd_at(CTX_HEADER + MAP_DESC * nr_maps + PROG_DESC * i)))
        .collect();
    Ok(Loaded { programs, maps })
}

fn owned(fd: i32) -> Option<OwnedFd> {
    // SAFETY: a positive fd the loader program created in our process and handed to nobody else.
    (fd > 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

fn data_map(image: &LoaderImage, excl_prog_hash: Option<&[u8; 32]>) -> io::Result<OwnedFd> {
    // SAFETY: zero is valid for the options; the name, hash and data outlive the calls.
    let mut opts: sys::bpf_map_create_opts = unsafe { std::mem::zeroed() };
    opts.sz = std::mem::size_of::<sys::bpf_map_create_opts>() as _;
    if let Some(hash) = excl_prog_hash {
        opts.excl_prog_hash = hash.as_ptr() as *const _;
        opts.excl_prog_hash_size = hash.len() as u32;
    }
    let name = c"__loader.map";
    let fd = fd_result(unsafe {
        sys::bpf_map_create(
            sys::BPF_MAP_TYPE_ARRAY,
            name.as_ptr(),
            4,
            image.data.len() as u32,
            1,
            &opts,
        )
    })?;
    let key = 0u32;
    rc_result(unsafe {
        sys::bpf_map_update_elem(
            fd.as_raw_fd(),
            &key as *const u32 as *const _,
            image.data.as_ptr() as *const _,
            0,
        )
    })?;
    rc_result(unsafe { sys::bpf_map_freeze(fd.as_raw_fd()) })?;
    if excl_prog_hash.is_some() {
        // Asking for the map's hash makes the kernel compute it; the loader compares it with the one it carries.
        let mut hash = [0u8; 32];
        // SAFETY: zero is valid for the info struct; `hash` outlives the call.
        let mut info: sys::bpf_map_info = unsafe { std::mem::zeroed() };
        info.hash = hash.as_mut_ptr() as u64;
        info.hash_size = hash.len() as u32;
        let mut len = std::mem::size_of::<sys::bpf_map_info>() as u32;
        rc_result(unsafe { sys::bpf_map_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    }
    Ok(fd)
}

fn load_loader(
    image: &LoaderImage,
    map: &OwnedFd,
    signature: Option<&Signature<'_>>,
) -> io::Result<OwnedFd> {
    let license = c"Dual BSD/GPL";
    let fd_array = [map.as_raw_fd()];
    // SAFETY: zero is valid for the attribute union; every pointer in it outlives the syscall.
    let mut attr: sys::bpf_attr = unsafe { std::mem::zeroed() };
    let load = unsafe { &mut attr.__bindgen_anon_3 };
    load.prog_type = sys::BPF_PROG_TYPE_SYSCALL;
    load.insns = image.insns.as_ptr() as u64;
    load.insn_cnt = (image.insns.len() / 8) as u32;
    load.license = license.as_ptr() as u64;
    for (dst, src) in load.prog_name.iter_mut().zip(c"__loader.prog".to_bytes()) {
        *dst = *src as libc::c_char;
    }
    load.fd_array = fd_array.as_ptr() as u64;
    load.prog_flags = sys::BPF_F_SLEEPABLE;
    // Older kernels refuse a bpf_attr longer than they know with E2BIG: pass the signature fields only when used.
    let size = match signature {
        Some(sig) => {
            load.signature = sig.cms.as_ptr() as u64;
            load.signature_size = sig.cms.len() as u32;
            load.keyring_id = sig.keyring_id;
            std::mem::offset_of!(sys::bpf_attr__bindgen_ty_4, keyring_id) + 4
        }
        None => std::mem::offset_of!(sys::bpf_attr__bindgen_ty_4, fd_array_cnt) + 4,
    };
    // SAFETY: bpf(2) with a fully initialised attribute of `size` bytes.
    let rc = unsafe { libc::syscall(libc::SYS_bpf, sys::BPF_PROG_LOAD, &attr as *const _, size) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new fd from BPF_PROG_LOAD that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(rc as i32) })
}
