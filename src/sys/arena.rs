//! The global allocator: mimalloc, with a bump arena in front of it.
//!
//! mimalloc keeps one 64 KiB page per size class, so a short command that allocates a few hundred values of
//! forty-odd sizes touches forty-odd fresh pages, each a page fault and a trip through mimalloc's slow path
//! (`-j prog show` of 10 programs: 57 of its ~160 faults, and an eighth of its samples in `mi_page_fresh_alloc`).
//! A listing allocates under 100 KiB in all, so every process's first MiB of allocations is cut from one
//! contiguous region instead: a pointer bump, the pages touched in order. Memory freed there is reused only
//! when it was the last allocation (a temporary, a Vec growing at the end); what does not fit, and everything
//! once the region is used up, goes to mimalloc, so a command that allocates much (a dump, a listing of
//! thousands of objects) runs on mimalloc as before, having used this much of the region at most; a command
//! known to be heavy closes the region as it starts (`heap::prepare`). A listing or `version` never reaches
//! mimalloc, whose arena is then never mapped.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The region: in .bss, so it costs nothing until touched, and no mmap.
const REGION_SIZE: usize = 1 << 20;
/// Larger allocations go to mimalloc: one would take a big share of the region.
const LARGEST: usize = 64 << 10;
/// Stricter alignments go to mimalloc (the region itself is aligned to this).
const MAX_ALIGN: usize = 4096;

#[repr(C, align(4096))]
struct Region(UnsafeCell<[u8; REGION_SIZE]>);

// SAFETY: the bytes are handed out in disjoint ranges by `Bump`'s atomic offset; nothing else touches them.
unsafe impl Sync for Region {}

static REGION: Region = Region(UnsafeCell::new([0; REGION_SIZE]));
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Bump allocation over `size` bytes at `base` (aligned to MAX_ALIGN), with `next` the offset of the first
/// free byte. Safe under concurrent use: every change of `next` is one compare-and-swap.
struct Bump<'a> {
    base: usize,
    size: usize,
    next: &'a AtomicUsize,
}

impl Bump<'_> {
    fn contains(&self, ptr: *mut u8) -> bool {
        (self.base..self.base + self.size).contains(&(ptr as usize))
    }

    /// A range for `layout`, or None when the request is too large or does not fit any more.
    fn alloc(&self, layout: Layout) -> Option<*mut u8> {
        if layout.size() > LARGEST || layout.align() > MAX_ALIGN {
            return None;
        }
        let mut next = self.next.load(Ordering::Relaxed);
        loop {
            let start = next.next_multiple_of(layout.align());
            let end = start + layout.size().max(1);
            if end > self.size {
                return None;
            }
            match self
                .next
                .compare_exchange_weak(next, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Some((self.base + start) as *mut u8),
                Err(now) => next = now,
            }
        }
    }

    /// Gives `ptr..ptr+size` back if it is the last range handed out; otherwise it stays used.
    fn free(&self, ptr: *mut u8, size: usize) {
        let start = ptr as usize - self.base;
        let _ = self.next.compare_exchange(
            start + size.max(1),
            start,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Resizes the last range handed out where it is; false for any other range, or no room.
    fn resize_in_place(&self, ptr: *mut u8, old_size: usize, new_size: usize) -> bool {
        let start = ptr as usize - self.base;
        let new_end = start + new_size.max(1);
        new_size <= LARGEST
            && new_end <= self.size
            && self
                .next
                .compare_exchange(
                    start + old_size.max(1),
                    new_end,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }
}

fn region() -> Bump<'static> {
    Bump {
        base: REGION.0.get() as usize,
        size: REGION_SIZE,
        next: &NEXT,
    }
}

pub struct Allocator;

/// Hands out no more of the region: for a command that will allocate far more than it holds (a dump), whose
/// heap mimalloc backs with huge pages, while the region's 4 KiB pages would cost a fault each as it fills
/// (256 for the MiB: `inspect` of a 1 MB object 5.6 -> 6.0 ms). Ranges already handed out stay valid.
pub fn close_region() {
    NEXT.store(REGION_SIZE, Ordering::Relaxed);
}

// SAFETY: every pointer handed out is either mimalloc's (and given back to mimalloc) or a disjoint, suitably
// aligned range of the region, which lives as long as the process.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match region().alloc(layout) {
            Some(ptr) => ptr,
            // SAFETY: forwarded as received.
            None => unsafe { mimalloc::MiMalloc.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match region().alloc(layout) {
            Some(ptr) => {
                // Ranges given back are handed out again, so the region is not known to be zero.
                // SAFETY: ptr is valid for layout.size() bytes, just cut from the region.
                unsafe { ptr.write_bytes(0, layout.size()) };
                ptr
            }
            // SAFETY: forwarded as received.
            None => unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let region = region();
        if region.contains(ptr) {
            region.free(ptr, layout.size());
        } else {
            // SAFETY: not the region's, so mimalloc's.
            unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let region = region();
        if !region.contains(ptr) {
            // SAFETY: not the region's, so mimalloc's; forwarded as received.
            return unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        }
        if region.resize_in_place(ptr, layout.size(), new_size) {
            return ptr;
        }
        // SAFETY: the caller promises that the new size, at this alignment, makes a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as for alloc.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both are valid for the smaller size, and the new range is fresh, so they do not overlap.
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            region.free(ptr, layout.size());
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bump over a buffer of its own: the global region also serves the test harness.
    fn with_bump(size: usize, test: impl FnOnce(&Bump)) {
        let layout = Layout::from_size_align(size, MAX_ALIGN).unwrap();
        // SAFETY: a non-zero size; freed below with the same layout.
        let buf = unsafe { std::alloc::alloc(layout) };
        let next = AtomicUsize::new(0);
        test(&Bump {
            base: buf as usize,
            size,
            next: &next,
        });
        // SAFETY: allocated above with this layout.
        unsafe { std::alloc::dealloc(buf, layout) };
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn ranges_are_aligned_disjoint_and_end_when_full() {
        with_bump(8192, |bump| {
            let a = bump.alloc(layout(3, 1)).unwrap() as usize;
            let b = bump.alloc(layout(8, 8)).unwrap() as usize;
            let c = bump.alloc(layout(100, 64)).unwrap() as usize;
            assert_eq!((a, b % 8, c % 64), (bump.base, 0, 0));
            assert!(a + 3 <= b && b + 8 <= c);
            assert!(bump.contains(c as *mut u8));
            assert!(!bump.contains((bump.base + 8192) as *mut u8));
            // Too large for the arena, too strictly aligned, or past its end: mimalloc's.
            assert!(bump.alloc(layout(LARGEST + 1, 8)).is_none());
            assert!(bump.alloc(layout(8, 2 * MAX_ALIGN)).is_none());
            assert!(bump.alloc(layout(8100, 8)).is_none());
            assert!(bump.alloc(layout(7000, 8)).is_some());
        });
    }

    #[test]
    fn only_the_last_range_is_given_back_or_resized() {
        with_bump(8192, |bump| {
            let a = bump.alloc(layout(16, 8)).unwrap();
            let b = bump.alloc(layout(16, 8)).unwrap();
            // Not the last: stays used.
            bump.free(a, 16);
            assert!(!bump.resize_in_place(a, 16, 32));
            let c = bump.alloc(layout(16, 8)).unwrap();
            assert!(c > b);
            // The last grows and shrinks where it is; once freed, its range is handed out again.
            assert!(bump.resize_in_place(c, 16, 4096));
            assert!(bump.resize_in_place(c, 4096, 8));
            assert!(!bump.resize_in_place(c, 8, 8192));
            bump.free(c, 8);
            assert_eq!(bump.alloc(layout(24, 8)), Some(c));
        });
    }

    #[test]
    fn threads_get_disjoint_ranges() {
        with_bump(1 << 16, |bump| {
            let ranges: Vec<usize> = std::thread::scope(|s| {
                let workers: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            (0..200)
                                .map(|_| bump.alloc(layout(24, 8)).unwrap() as usize)
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| w.join().unwrap())
                    .collect()
            });
            let mut sorted = ranges.clone();
            sorted.sort_unstable();
            assert!(sorted.windows(2).all(|w| w[1] - w[0] >= 24));
            assert_eq!(sorted.len(), 800);
        });
    }

    /// Through the global allocator: contents survive a move out of the region, zeroed memory is zero after a
    /// range is reused, and large blocks (mimalloc's) work beside the region's.
    #[test]
    fn the_global_allocator_keeps_contents() {
        let mut v: Vec<u64> = (0..10).collect();
        // An allocation after v: v is no longer the last, so it has to move to grow.
        let after = Box::new(1u64);
        v.extend(10..5000);
        assert!(v.iter().copied().eq(0..5000));
        assert_eq!(*after, 1);
        let dirty = vec![0xffu8; 512];
        drop(dirty);
        assert!(vec![0u8; 512].iter().all(|&b| b == 0));
        let big = vec![7u8; 4 * LARGEST];
        assert!(!region().contains(big.as_ptr().cast_mut()));
        assert_eq!(
            big.iter().map(|&b| b as usize).sum::<usize>(),
            7 * 4 * LARGEST
        );
    }
}
