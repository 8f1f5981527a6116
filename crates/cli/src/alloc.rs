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
use std::ffi::{c_int, c_long};
use std::io::Write;

use libmimalloc_sys::{mi_malloc, mi_realloc, mi_zalloc};
use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same index in mimalloc 2 and 3;
/// libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// Milliseconds mimalloc keeps freed memory before returning it to the system.
///
/// mimalloc 3 waits 1,000 ms (mimalloc 2 waited 10): a check of a large file is over before
/// then, so the memory its parse frees — vectors outgrown while they grow, the previous
/// round's parse in `--fix` — stayed counted in its peak. On the 16.7 MB Caddyfile peak RSS was
/// 92–96 MB for `check` and ~121 MB for `check --fix --unsafe`, 84.4 MB and ~100 MB with 50 ms.
/// A run shorter than the delay (a 10,000-site Caddyfile checks in ~16 ms) purges nothing and
/// pays nothing: its page faults and time are those of the 1,000 ms default.
const PURGE_DELAY_MS: c_long = 50;

extern "C" {
    /// mimalloc's option setter (declared here: libmimalloc-sys has it only with its
    /// `extended` feature, which would add a dependency for this one function).
    fn mi_option_set(option: c_int, value: c_long);
}

/// Set mimalloc's options; call first thing in `main`. `MIMALLOC_PURGE_DELAY` (in any case,
/// or by its older name), when set, still wins (mimalloc reads it for options not set here).
pub fn configure() {
    if !purge_delay_set_by_environment() {
        // SAFETY: `mi_option_set` stores a value in mimalloc's option table, which it reads
        // when it next purges; it may be called at any time, from any thread.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
    }
}

/// Whether the environment sets mimalloc's purge delay, which then wins over gblint's.
///
/// mimalloc looks its options up case-insensitively and also reads the purge delay's older
/// name, `MIMALLOC_RESET_DELAY`, so any spelling of either counts.
fn purge_delay_set_by_environment() -> bool {
    std::env::vars_os().any(|(name, _)| names_purge_delay(&name))
}

/// Whether an environment variable's name is one mimalloc reads the purge delay from.
fn names_purge_delay(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| {
        name.eq_ignore_ascii_case("MIMALLOC_PURGE_DELAY")
            || name.eq_ignore_ascii_case("MIMALLOC_RESET_DELAY")
    })
}

/// Return freed memory to the system at once from here on (`MIMALLOC_PURGE_DELAY`, in any
/// case or by its older name, still wins): for `check --fix` and `--diff`.
///
/// The fix loop frees a whole check (its parse is most of the peak) and then builds the new
/// text, one block as large as the file. That block cannot reuse the small pages the check
/// freed, so with the 50 ms delay the freed pages were still counted while it was built: on
/// the 16.7 MB Caddyfile peak RSS was 90 MB, and 78 MB (that of a plain check) with
/// freed memory returned at once. The time of that run did not change (1.0–1.1 s).
pub fn purge_at_once() {
    if !purge_delay_set_by_environment() {
        // SAFETY: as in `configure`.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

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

/// Alignment every mimalloc block has whatever its size: blocks are whole machine words
/// apart, from a page start aligned further.
const WORD: usize = std::mem::size_of::<usize>();

/// Whether `mi_malloc` alone gives the alignment `layout` asks for.
///
/// `MiMalloc` asks for every block through `mi_malloc_aligned`. In mimalloc 3 that takes the
/// fast path only while the size class's page has a free block; otherwise it over-allocates
/// (size + alignment − 1) from the next size class for any size that is not a power of two,
/// so a 24-byte token took a 32-byte block, a 48-byte directive a 56-byte one, and the size
/// class's own page was never started. For word alignment or less, which every block has,
/// the plain entry points are used: the Rust standard library's `System` allocator makes the
/// same choice for glibc's `malloc`.
#[inline]
fn plain(layout: &Layout) -> bool {
    layout.align() <= WORD
}

// SAFETY: every method forwards to mimalloc with the caller's arguments — through `MiMalloc`,
// a correct `GlobalAlloc`, or through mimalloc's plain entry points when its blocks already
// have the alignment asked for (`plain`) — and returns its pointer unchanged; a null pointer
// never returns (the process exits instead), which the `GlobalAlloc` contract permits.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            // SAFETY: `mi_malloc` takes any size and returns a word-aligned block or null.
            return checked(unsafe { mi_malloc(layout.size()).cast() });
        }
        // SAFETY: forwarded with the caller's guarantees (non-zero size).
        checked(unsafe { MiMalloc.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            // SAFETY: as `alloc`, zeroed.
            return checked(unsafe { mi_zalloc(layout.size()).cast() });
        }
        // SAFETY: as `alloc`.
        checked(unsafe { MiMalloc.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from this allocator, hence from mimalloc, with `layout`.
        unsafe { MiMalloc.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(&layout) {
            // SAFETY: `pointer` came from mimalloc; `mi_realloc` returns a word-aligned block
            // of `new_size` bytes holding the old contents, or null leaving the old block.
            return checked(unsafe { mi_realloc(pointer.cast(), new_size).cast() });
        }
        // SAFETY: forwarded with the caller's guarantees; on failure the old block is left
        // as it was, and the process exits.
        checked(unsafe { MiMalloc.realloc(pointer, layout, new_size) })
    }
}

#[cfg(test)]
mod tests {
    use super::names_purge_delay;
    use std::ffi::OsStr;

    #[test]
    fn the_purge_delay_is_named_in_any_case_and_by_its_older_name() {
        for name in [
            "MIMALLOC_PURGE_DELAY",
            "mimalloc_purge_delay",
            "Mimalloc_Purge_Delay",
            "MIMALLOC_RESET_DELAY",
            "mimalloc_reset_delay",
        ] {
            assert!(names_purge_delay(OsStr::new(name)), "{name}");
        }
        for name in [
            "MIMALLOC_PURGE_DELAYS",
            "MIMALLOC_SHOW_STATS",
            "PURGE_DELAY",
            "",
        ] {
            assert!(!names_purge_delay(OsStr::new(name)), "{name}");
        }
    }
}
