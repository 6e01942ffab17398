//! The few libbpf object accessors libbpf-rs keeps behind raw pointers.

use std::os::fd::{FromRawFd, OwnedFd};

use libbpf_rs::btf::Btf;
use libbpf_rs::{AsRawLibbpf, OpenMapMut, OpenObject};

/// The BTF of an opened (not yet loaded) object, when it has one.
pub fn open_object_btf(obj: &OpenObject) -> Option<Btf<'_>> {
    // SAFETY: the pointer comes from a live OpenObject and the returned Btf borrows it, so it cannot outlive it.
    let raw = unsafe { obj.as_libbpf_object().as_ref() };
    Btf::from_bpf_object(raw).ok().flatten()
}

/// The name libbpf gave the internal map holding data section `section` (".rodata" → "myobj.rodata"); libbpf
/// matches a section name against the map's real name, which libbpf-rs does not expose.
pub fn internal_map_name(obj: &OpenObject, section: &str) -> Option<String> {
    let c = std::ffi::CString::new(section).ok()?;
    // SAFETY: obj is live; the returned map pointer and its name belong to obj and are copied before returning.
    unsafe {
        let map =
            libbpf_sys::bpf_object__find_map_by_name(obj.as_libbpf_object().as_ptr(), c.as_ptr());
        if map.is_null() {
            return None;
        }
        let name = libbpf_sys::bpf_map__name(map);
        if name.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr(name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// The load flags libbpf has set on an opened program (BPF_F_SLEEPABLE for `.s` sections, BPF_F_XDP_HAS_FRAGS
/// for `xdp.frags`), which libbpf-rs only reads back once the program is loaded.
pub fn open_program_flags(prog: &libbpf_rs::OpenProgramMut<'_>) -> u32 {
    // SAFETY: the pointer comes from a live OpenProgramMut; bpf_program__flags only reads a field of it.
    unsafe { libbpf_sys::bpf_program__flags(prog.as_libbpf_object().as_ptr()) }
}

/// Forgets the pin paths libbpf gave maps declared with `pinning LIBBPF_PIN_BY_NAME`, so that loading the object
/// neither reuses nor creates pins under /sys/fs/bpf (a trial load must leave nothing behind).
pub fn clear_map_pins(obj: &mut OpenObject) {
    for map in obj.maps_mut() {
        // SAFETY: the map belongs to the live OpenObject; a NULL path is libbpf's documented way to unset it.
        unsafe {
            libbpf_sys::bpf_map__set_pin_path(map.as_libbpf_object().as_ptr(), std::ptr::null());
        }
    }
}

/// Gives map-in-map `map` an inner-map template of its own, created like the object's but with the sizes a loader
/// gives it, and hands libbpf its fd (bpf_map__set_inner_map_fd), as falco does for its per-CPU ring buffers.
/// libbpf's own template cannot be resized: its setters dereference an object the template does not belong to.
/// Ok(None): the map has no inner map. Err: the errno. The fd must stay open until the object is loaded.
pub fn replace_inner_map(
    map: &mut OpenMapMut,
    max_entries: Option<u32>,
    value_size: Option<u32>,
) -> Result<Option<OwnedFd>, i32> {
    let outer = map.as_libbpf_object().as_ptr();
    // SAFETY: the map belongs to a live OpenObject and so does its inner template; the getters read its definition
    // only, and the name is copied by the kernel call before the template is freed by set_inner_map_fd.
    unsafe {
        let inner = libbpf_sys::bpf_map__inner_map(outer);
        if inner.is_null() {
            return Ok(None);
        }
        let map_type = libbpf_sys::bpf_map__type(inner);
        let mut entries = max_entries.unwrap_or_else(|| libbpf_sys::bpf_map__max_entries(inner));
        if map_type == libbpf_sys::BPF_MAP_TYPE_RINGBUF
            || map_type == libbpf_sys::BPF_MAP_TYPE_USER_RINGBUF
        {
            entries = ringbuf_size(entries);
        }
        let opts = libbpf_sys::bpf_map_create_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
            map_flags: libbpf_sys::bpf_map__map_flags(inner),
            ..Default::default()
        };
        let fd = libbpf_sys::bpf_map_create(
            map_type,
            libbpf_sys::bpf_map__name(inner),
            libbpf_sys::bpf_map__key_size(inner),
            value_size.unwrap_or_else(|| libbpf_sys::bpf_map__value_size(inner)),
            entries,
            &opts,
        );
        if fd < 0 {
            return Err(-fd);
        }
        let owned = OwnedFd::from_raw_fd(fd);
        let rc = libbpf_sys::bpf_map__set_inner_map_fd(outer, fd);
        if rc < 0 {
            return Err(-rc);
        }
        Ok(Some(owned))
    }
}

/// A ring buffer's size as libbpf's bpf_map__set_max_entries makes it: a power-of-two number of pages.
fn ringbuf_size(entries: u32) -> u32 {
    if entries == 0 {
        return 0;
    }
    let page = crate::sys::kernel::page_size();
    entries
        .div_ceil(page)
        .checked_next_power_of_two()
        .and_then(|pages| pages.checked_mul(page))
        .unwrap_or(entries)
}

/// A map of an opened object as libbpf has set it up: what a skeleton needs to name and map it.
#[derive(Debug, Clone)]
pub struct OpenMapFacts {
    pub name: String,
    /// Created by libbpf for a data section (.data, .rodata, .bss, .kconfig, their .* variants).
    pub internal: bool,
    pub map_type: u32,
    pub map_flags: u32,
    /// The map's value type in the object's BTF (0 without): a struct_ops map's struct.
    pub btf_value_type_id: u32,
}

/// Every map of an opened object, in libbpf's order (the order of its skeleton).
pub fn open_map_facts(obj: &OpenObject) -> Vec<OpenMapFacts> {
    let mut facts = Vec::new();
    // SAFETY: obj is live; bpf_object__next_map walks its own map array and the fields read are copied out.
    unsafe {
        let raw = obj.as_libbpf_object().as_ptr();
        let mut map = libbpf_sys::bpf_object__next_map(raw, std::ptr::null());
        while !map.is_null() {
            let name = libbpf_sys::bpf_map__name(map);
            facts.push(OpenMapFacts {
                name: if name.is_null() {
                    String::new()
                } else {
                    std::ffi::CStr::from_ptr(name)
                        .to_string_lossy()
                        .into_owned()
                },
                internal: libbpf_sys::bpf_map__is_internal(map),
                map_type: libbpf_sys::bpf_map__type(map),
                map_flags: libbpf_sys::bpf_map__map_flags(map),
                btf_value_type_id: libbpf_sys::bpf_map__btf_value_type_id(map),
            });
            map = libbpf_sys::bpf_object__next_map(raw, map);
        }
    }
    facts
}

/// The object's BTF as raw bytes after libbpf's fix-ups at open (data section sizes and variable offsets filled
/// in, which the compiler leaves at 0), or None without BTF.
pub fn open_object_raw_btf(obj: &OpenObject) -> Option<Vec<u8>> {
    // SAFETY: obj is live; btf__raw_data returns a buffer owned by the BTF object, of `size` bytes, copied here.
    unsafe {
        let btf = libbpf_sys::bpf_object__btf(obj.as_libbpf_object().as_ptr());
        if btf.is_null() {
            return None;
        }
        let mut size = 0u32;
        let data = libbpf_sys::btf__raw_data(btf, &mut size);
        if data.is_null() {
            return None;
        }
        Some(std::slice::from_raw_parts(data.cast::<u8>(), size as usize).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::ringbuf_size;

    #[test]
    fn ring_buffers_are_a_power_of_two_pages_as_libbpf_makes_them() {
        let page = crate::sys::kernel::page_size();
        assert_eq!(ringbuf_size(0), 0, "left unsized for the kernel to refuse");
        assert_eq!(ringbuf_size(1), page);
        assert_eq!(ringbuf_size(page), page);
        assert_eq!(ringbuf_size(page + 1), 2 * page);
        assert_eq!(ringbuf_size(3 * page), 4 * page);
        assert_eq!(ringbuf_size(u32::MAX), u32::MAX, "no overflow");
    }
}
