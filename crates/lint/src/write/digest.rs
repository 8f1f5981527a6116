//! What a file held, kept as its length and a keyed 64-bit hash instead of its bytes.
//!
//! `check --fix` must refuse to replace a file that changed after gblint read it (the lost
//! update check), but holding the text it read until the write kept a second copy of a large
//! file beside the fixed text and its check: 16.7 MB more at the peak of a 16.7 MB Caddyfile.
//! The digest is SipHash-1-3 (the standard library's hasher) under a key drawn at random for
//! the process, so nobody can make another text collide on purpose, and an accidental
//! collision of a same-length edit is one chance in 2^64. The writer also compares the file's
//! inode, size and modification time.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Seek};

/// How much of a file is read at a time when it is compared with what gblint read.
pub(super) const CHUNK: usize = 64 * 1024;

/// The length and keyed hash of some bytes (see the module documentation).
#[derive(Clone)]
pub struct Digest {
    len: u64,
    hash: u64,
    key: RandomState,
}

impl Digest {
    /// The digest of `bytes`, under a key of this process.
    pub fn of(bytes: &[u8]) -> Digest {
        let key = RandomState::new();
        let mut hasher = key.build_hasher();
        hasher.write(bytes);
        Digest {
            len: bytes.len() as u64,
            hash: hasher.finish(),
            key,
        }
    }

    /// How many bytes were digested.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no bytes were digested.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `bytes` are the bytes digested.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        if bytes.len() as u64 != self.len {
            return false;
        }
        let mut hasher = self.key.build_hasher();
        hasher.write(bytes);
        hasher.finish() == self.hash
    }

    /// Whether `file` holds exactly the bytes digested, read from its start a chunk at a time
    /// and never more than one byte past the expected length.
    pub fn matches_file(&self, mut file: &File) -> std::io::Result<bool> {
        file.rewind()?;
        let mut hasher = self.key.build_hasher();
        let mut chunk = vec![0u8; CHUNK];
        let mut seen: u64 = 0;
        loop {
            // One byte past the expected length is enough to tell that it grew.
            let left = self.len.saturating_sub(seen) + 1;
            let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
            let read = match file.read(&mut chunk[..want]) {
                Ok(read) => read,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if read == 0 {
                return Ok(seen == self.len && hasher.finish() == self.hash);
            }
            seen += read as u64;
            if seen > self.len {
                return Ok(false);
            }
            // The hasher is streaming: chunks hash as the whole text does (tested below).
            hasher.write(&chunk[..read]);
        }
    }

    /// The file at `path` if it still holds exactly the bytes digested (`None` if it does
    /// not): what `--diff` shows when only the digest was kept. Reads at most one byte past
    /// the expected length.
    pub fn reread(&self, path: &std::path::Path) -> std::io::Result<Option<Vec<u8>>> {
        let file = File::open(path)?;
        if file.metadata()?.len() != self.len {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        (&file).take(self.len + 1).read_to_end(&mut bytes)?;
        Ok(self.matches(&bytes).then_some(bytes))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest")
            .field("len", &self.len)
            .field("hash", &format_args!("{:016x}", self.hash))
            .finish()
    }
}

/// Two digests are equal when they digest the same bytes under the same key: those made by
/// [`Digest::of`] of the same bytes compare equal only if one is a clone of the other.
impl PartialEq for Digest {
    fn eq(&self, other: &Self) -> bool {
        let mut a = self.key.build_hasher();
        let mut b = other.key.build_hasher();
        a.write(b"gblint");
        b.write(b"gblint");
        self.len == other.len && self.hash == other.hash && a.finish() == b.finish()
    }
}

impl Eq for Digest {}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    /// Hashing a chunk at a time gives the hash of the whole, so a file read back in chunks
    /// matches the digest of the text held whole.
    #[test]
    fn a_file_read_in_chunks_matches_the_digest_of_its_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 3 + 17] {
            let bytes = text(len);
            std::fs::write(&path, &bytes).expect("write");
            let digest = Digest::of(&bytes);
            let file = File::open(&path).expect("open");
            assert!(digest.matches_file(&file).expect("read"), "length {len}");
            assert!(digest.matches(&bytes));
            assert_eq!(digest.reread(&path).expect("read"), Some(bytes));
        }
    }

    /// A change of the same length (one byte past the first chunk), a byte more and a byte
    /// less are all told apart.
    #[test]
    fn a_changed_file_does_not_match() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        let bytes = text(CHUNK * 2 + 123);
        let digest = Digest::of(&bytes);
        let mut same_length = bytes.clone();
        same_length[CHUNK + 7] ^= 1;
        let mut grown = bytes.clone();
        grown.push(b'\n');
        for other in [&same_length[..], &grown[..], &bytes[..bytes.len() - 1], b""] {
            std::fs::write(&path, other).expect("write");
            let file = File::open(&path).expect("open");
            assert!(!digest.matches_file(&file).expect("read"));
            assert!(!digest.matches(other));
            assert_eq!(digest.reread(&path).expect("read"), None);
        }
        // An empty digest against a file that is no longer empty.
        std::fs::write(&path, b"x").expect("write");
        let file = File::open(&path).expect("open");
        assert!(!Digest::of(b"").matches_file(&file).expect("read"));
    }

    #[test]
    fn only_a_clone_is_equal() {
        let digest = Digest::of(b"example.com {\n}\n");
        assert_eq!(digest, digest.clone());
        assert_ne!(digest, Digest::of(b"example.com {\n}\n"));
        assert_eq!(digest.len(), 16);
        assert!(!digest.is_empty());
    }
}
