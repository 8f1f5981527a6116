//! The global allocator: mimalloc, with allocation failure turned into gblint's documented
//! exit (one line on standard error, exit code 2) instead of Rust's default abort
//! (`memory allocation of N bytes failed`, SIGABRT and a core dump or backtrace).
//!
//! mimalloc instead of glibc's malloc: parsing allocates many small short-lived strings and
//! nodes, and glibc's allocator spent about a third of a 10,000-site check in malloc/free and
//! page faults (perf, 2026-11-27). ruff and other Rust linters make the same choice.
//!
//! This is the workspace's only `unsafe` code: implementing [`GlobalAlloc`] is an `unsafe
//! impl` by definition. Each method forwards to mimalloc with the caller's arguments and
//! only adds a null check; the one thing done on failure writes a fixed message without
//! allocating and ends the process.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::io::Write;

use mimalloc::MiMalloc;

/// mimalloc, exiting with code 2 and one line when it cannot allocate.
pub struct Allocator;

/// The line printed when memory runs out (a constant: nothing may allocate then).
const OUT_OF_MEMORY: &[u8] =
    b"gblint: error: out of memory: the input needs more memory than gblint may use here\n";

#[cold]
#[inline(never)]
fn out_of_memory() -> ! {
    // Standard error is unbuffered and its lock is a static: writing does not allocate.
    let _ = std::io::stderr().write_all(OUT_OF_MEMORY);
    std::process::exit(2)
}

#[inline]
fn checked(pointer: *mut u8) -> *mut u8 {
    if pointer.is_null() {
        out_of_memory()
    }
    pointer
}

// SAFETY: every method forwards to `MiMalloc`, a correct `GlobalAlloc`, with the same
// arguments and returns its pointer unchanged; a null pointer never returns (the process
// exits instead), which the `GlobalAlloc` contract permits.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees (non-zero size).
        checked(unsafe { MiMalloc.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        checked(unsafe { MiMalloc.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from this allocator, hence from mimalloc, with `layout`.
        unsafe { MiMalloc.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees; on failure the old block is left
        // as it was, and the process exits.
        checked(unsafe { MiMalloc.realloc(pointer, layout, new_size) })
    }
}
