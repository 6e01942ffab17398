//! libbpf's static linker (`bpftool gen object`): BPF object files combined into one, as `bpftool gen object` and
//! `bpftool gen skeleton`'s callers use it. Inputs are handed over as buffers read by `input` (bounded, never
//! blocked by a FIFO); only the output is written by libbpf, to the path given.

use std::ffi::CString;
use std::path::Path;

/// Links the objects `inputs` (name, bytes) into the file `output`. The error is libbpf's reason (an errno) with
/// the name of the input it refused, if it was one.
pub fn link(output: &Path, inputs: &[(String, Vec<u8>)]) -> Result<(), (Option<String>, i32)> {
    let path =
        CString::new(output.as_os_str().as_encoded_bytes()).map_err(|_| (None, libc::EINVAL))?;
    let mut opts = libbpf_sys::bpf_linker_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_linker_opts>() as _,
    };
    // SAFETY: a valid NUL-terminated path and an initialised opts struct; a NULL result is an error (errno set).
    let linker = unsafe { libbpf_sys::bpf_linker__new(path.as_ptr(), &mut opts) };
    if linker.is_null() {
        return Err((
            None,
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        ));
    }
    let file_opts = libbpf_sys::bpf_linker_file_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_linker_file_opts>() as _,
    };
    let mut result = Ok(());
    for (name, data) in inputs {
        let mut copy = data.clone();
        // SAFETY: the linker is live; libbpf reads (and may not keep) the buffer during the call.
        let rc = unsafe {
            libbpf_sys::bpf_linker__add_buf(
                linker,
                copy.as_mut_ptr().cast(),
                copy.len() as _,
                &file_opts,
            )
        };
        if rc != 0 {
            result = Err((Some(name.clone()), -rc));
            break;
        }
    }
    if result.is_ok() {
        // SAFETY: the linker is live.
        let rc = unsafe { libbpf_sys::bpf_linker__finalize(linker) };
        if rc != 0 {
            result = Err((None, -rc));
        }
    }
    // SAFETY: freed once, after its last use.
    unsafe { libbpf_sys::bpf_linker__free(linker) };
    if result.is_err() {
        // libbpf leaves a partial output file behind on failure.
        let _ = std::fs::remove_file(output);
    }
    result
}
