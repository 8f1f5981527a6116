//! Reading a file under a size limit that holds whatever the file does while it is read.
//!
//! Checking the size with `metadata()` and then reading with `std::fs::read` leaves a window:
//! a file that grows between the two (a log being written, a hostile writer) is read to its
//! new end, however large. Every read of user input in gblint goes through [`read_limited`]
//! (or [`read_to_limit`] for an open stream), which refuses what is not a regular file before
//! opening it and never reads more than one 64 KiB chunk past `limit`.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// gblint's default limit on the size of one input file (`--max-file-bytes`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a bounded read returned no text.
#[derive(Debug)]
pub enum ReadError {
    /// A folder.
    Directory,
    /// Not a regular file (a FIFO would block, a device such as `/dev/zero` never ends): it
    /// is never opened.
    NotRegular,
    /// The file is `len` bytes, more than `limit` (from its metadata, before any read).
    TooLarge {
        /// Its size.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// The file grew past `limit` while it was being read (its metadata said it fit).
    Grew {
        /// The limit.
        limit: u64,
    },
    /// The operating system refused the open or the read.
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Directory => f.write_str("is a directory"),
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::TooLarge { len, limit } => write!(
                f,
                "file is {len} bytes, larger than gblint's limit of {limit} bytes"
            ),
            ReadError::Grew { limit } => write!(
                f,
                "file grew past gblint's limit of {limit} bytes while it was being read"
            ),
            ReadError::Io(err) => f.write_str(&io_cause(err)),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// Whether the file is over the size limit (as found before or during the read).
    pub fn is_too_large(&self) -> bool {
        matches!(self, ReadError::TooLarge { .. } | ReadError::Grew { .. })
    }
}

/// An I/O error as one short lower-case cause (`no such file or directory`).
pub fn io_cause(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string().to_lowercase(),
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them: a folder, a FIFO or a
/// device is refused before it is opened, a file whose metadata says it is larger is refused
/// before it is read, and a file that grows past `limit` meanwhile is refused after reading
/// at most one 64 KiB chunk past `limit`, never more.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_limited(path, limit)?;
    read_to_limit(file, limit, len)
}

/// [`read_limited`] into one shared buffer of the file's size, read in place: a large input
/// is held once, where reading it into a vector and then sharing it held it twice for a
/// moment (and the allocator may keep the freed copy: 5 MB of the peak of a 16.7 MB
/// Caddyfile). The same limits hold; a file that changes size while it is read is read
/// again through [`read_to_limit`] and copied once.
pub fn read_limited_shared(path: &Path, limit: u64) -> Result<Arc<[u8]>, ReadError> {
    let (file, len) = open_limited(path, limit)?;
    read_shared_to_limit(file, limit, len)
}

/// [`read_limited_shared`] from an open reader expected to hold `len` bytes.
fn read_shared_to_limit(mut file: impl Read, limit: u64, len: u64) -> Result<Arc<[u8]>, ReadError> {
    let Ok(len) = usize::try_from(len) else {
        return Err(ReadError::TooLarge { len, limit });
    };
    // Zeroed once and then overwritten: `Read` cannot fill uninitialized memory on stable
    // Rust, and the pages are touched by the read anyway.
    let mut shared: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
    let buffer = Arc::get_mut(&mut shared)
        .ok_or_else(|| ReadError::Io(std::io::Error::other("a new buffer is not shared")))?;
    let filled = fill(&mut file, buffer)?;
    if filled < len {
        // The file shrank after its metadata was read.
        return Ok(Arc::from(&buffer[..filled]));
    }
    let mut probe = [0u8; 8];
    let extra = read_probe(&mut file, &mut probe)?;
    if extra == 0 {
        return Ok(shared);
    }
    // The file grew: what was read, the probe and the rest, under the same limit.
    let mut bytes = Vec::with_capacity(len + extra);
    bytes.extend_from_slice(&shared);
    bytes.extend_from_slice(&probe[..extra]);
    let Some(left) = limit.checked_sub(bytes.len() as u64) else {
        return Err(ReadError::Grew { limit });
    };
    match read_to_limit(file, left, 0) {
        Ok(rest) => {
            bytes.extend_from_slice(&rest);
            Ok(Arc::from(bytes))
        }
        Err(ReadError::Grew { .. }) => Err(ReadError::Grew { limit }),
        Err(err) => Err(err),
    }
}

/// `bytes` as shared text when they are UTF-8, without copying them; the bytes back when not.
#[allow(unsafe_code)]
pub fn shared_utf8(bytes: Arc<[u8]>) -> Result<Arc<str>, Arc<[u8]>> {
    if std::str::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    let raw = Arc::into_raw(bytes) as *const str;
    // SAFETY: `str` has the layout of `[u8]`, the bytes were just found to be UTF-8 (and an
    // `Arc` shares them immutably, so they stay so), and `raw` comes from `Arc::into_raw` of
    // an `Arc` of that same layout, as `Arc::from_raw` requires.
    Ok(unsafe { Arc::from_raw(raw) })
}

/// The file at `path` opened for reading with its length, after the checks of
/// [`read_limited`] that come before any read.
fn open_limited(path: &Path, limit: u64) -> Result<(std::fs::File, u64), ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            len: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    Ok((file, meta.len()))
}

/// Read into `buffer` until it is full or the reader ends; the bytes read.
fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> Result<usize, ReadError> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(ReadError::Io(err)),
        }
    }
    Ok(filled)
}

/// Bytes asked of the reader at a time: a multiple of 8, since some kernel files (such as
/// `/proc/self/pagemap`, which the tests use as a file that never ends) refuse other sizes.
/// Read `reader` to its end, at most `limit` bytes; [`ReadError::Grew`] when it has more
/// (found with one small read past the limit, never more). `expected` sizes the buffer (the
/// file's length from its metadata, or 0), so a file read whole takes its size in memory, not
/// the next power of two. `read_to_end` fills the spare capacity without zeroing it first: a
/// loop over zero-filled 64 KiB chunks cost a Corefile whose glob imports itself 10,000 times
/// seconds of `memset`. Reads are multiples of 8 bytes whenever the buffer allows, which
/// `/proc` files such as `pagemap` (the bad-input suite's endless file) require.
pub fn read_to_limit(
    mut reader: impl Read,
    limit: u64,
    expected: u64,
) -> Result<Vec<u8>, ReadError> {
    let expected = usize::try_from(expected.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected);
    (&mut reader)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if (bytes.len() as u64) < limit {
        return Ok(bytes);
    }
    // Exactly at the limit: one more byte means the file is (or became) larger.
    match read_probe(&mut reader, &mut [0u8; 8])? {
        0 => Ok(bytes),
        _ => Err(ReadError::Grew { limit }),
    }
}

/// Reads once more past what was expected, into `probe`, retrying an interrupted read: how
/// many bytes the reader still had (0 at its end).
fn read_probe(reader: &mut impl Read, probe: &mut [u8]) -> Result<usize, ReadError> {
    loop {
        match reader.read(probe) {
            Ok(n) => return Ok(n),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(ReadError::Io(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that never ends, as a file that keeps growing.
    struct Endless;

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'#');
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_stream_is_cut_at_the_limit() {
        let err = read_to_limit(Endless, 1000, 10).expect_err("over the limit");
        assert!(matches!(err, ReadError::Grew { limit: 1000 }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "file grew past gblint's limit of 1000 bytes while it was being read"
        );
        let exact = read_to_limit(Endless.take(1000), 1000, 0).expect("fits");
        assert_eq!(exact.len(), 1000);
        let large = read_to_limit(Endless.take(300_000), 300_000, 0).expect("fits");
        assert_eq!(large.len(), 300_000);
        assert!(read_to_limit(Endless.take(300_001), 300_000, 300_000).is_err());
    }

    #[test]
    fn files_over_the_limit_folders_and_missing_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("gblint-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").expect("write");
        assert_eq!(read_limited(&path, 10).expect("fits"), b"0123456789");
        let err = read_limited(&path, 9).expect_err("too large");
        assert_eq!(
            err.to_string(),
            "file is 10 bytes, larger than gblint's limit of 9 bytes"
        );
        assert!(err.is_too_large());
        assert!(matches!(read_limited(&dir, 100), Err(ReadError::Directory)));
        let missing = read_limited(&dir.join("missing"), 100).expect_err("missing");
        assert_eq!(missing.to_string(), "no such file or directory");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_shared_read_holds_the_file_whole_and_keeps_the_limits() {
        let dir = std::env::temp_dir().join(format!("gblint-read-shared-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("f");
        let text = "héllo\n".repeat(50_000);
        std::fs::write(&path, &text).expect("write");
        let bytes = read_limited_shared(&path, text.len() as u64).expect("fits");
        assert_eq!(&*bytes, text.as_bytes());
        let shared = shared_utf8(bytes).expect("UTF-8");
        assert_eq!(&*shared, text);
        let err = read_limited_shared(&path, text.len() as u64 - 1).expect_err("too large");
        assert!(err.is_too_large());
        assert!(matches!(
            read_limited_shared(&dir, 100),
            Err(ReadError::Directory)
        ));
        std::fs::write(&path, b"ok\xff").expect("write");
        let bytes = read_limited_shared(&path, 100).expect("fits");
        assert_eq!(&*shared_utf8(bytes).expect_err("not UTF-8"), b"ok\xff");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_shared_read_of_a_file_that_changed_size_returns_what_it_holds_now() {
        // Shrank after its metadata was read.
        let shrank = read_shared_to_limit(&b"abc"[..], 100, 10).expect("fits");
        assert_eq!(&*shrank, b"abc");
        // Grew, but still fits.
        let grew = read_shared_to_limit(&b"0123456789abcdefghij"[..], 100, 4).expect("fits");
        assert_eq!(&*grew, b"0123456789abcdefghij");
        // Grew past the limit, a little and without end.
        let err = read_shared_to_limit(&b"0123456789"[..], 6, 4).expect_err("grew");
        assert!(matches!(err, ReadError::Grew { limit: 6 }), "{err:?}");
        let err = read_shared_to_limit(Endless, 1000, 10).expect_err("grew");
        assert!(matches!(err, ReadError::Grew { limit: 1000 }), "{err:?}");
        let exact = read_shared_to_limit(Endless.take(1000), 1000, 1000).expect("fits");
        assert_eq!(exact.len(), 1000);
    }

    #[test]
    fn a_reader_that_ends_early_or_runs_on_is_filled_as_far_as_it_goes() {
        let mut buffer = [0u8; 16];
        assert_eq!(fill(&mut &b"short"[..], &mut buffer).expect("read"), 5);
        assert_eq!(&buffer[..5], b"short");
        assert_eq!(fill(&mut Endless, &mut buffer).expect("read"), 16);
    }
}
