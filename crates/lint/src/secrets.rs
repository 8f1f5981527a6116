//! Secrets that must never sit in a deployment tree (GBL002): Vault unseal keys, Vault's init
//! output (its unseal keys and root token, whatever the file is called), and private keys
//! (PEM, OpenSSH, PuTTY). Every byte of a file is searched, up to the run's size limit, with
//! `memchr`'s substring search; nothing found is ever printed, only what kind of secret it is.

use std::io::Read;
use std::path::Path;

use memchr::memmem;

/// What a file holds, when its name says so (`vault-unseal-keys.txt`).
pub fn scan_name(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    name.contains("unseal").then_some("a Vault unseal key file")
}

/// What secret `bytes` hold, if any: a private key block anywhere in them, or Vault's init
/// output (JSON with `unseal_keys_b64`/`unseal_keys_hex`/`root_token`, or the text form).
pub fn scan_bytes(bytes: &[u8]) -> Option<&'static str> {
    for end in memmem::find_iter(bytes, b"PRIVATE KEY-----") {
        // The header is `-----BEGIN <TYPE> PRIVATE KEY-----` on one line.
        let line_start = memchr::memrchr(b'\n', &bytes[..end]).map_or(0, |at| at + 1);
        let line = &bytes[line_start.max(end.saturating_sub(64))..end];
        if let Some(begin) = memmem::find(line, b"-----BEGIN ") {
            return Some(if memmem::find(&line[begin..], b"OPENSSH").is_some() {
                "an SSH private key"
            } else {
                "a private key"
            });
        }
    }
    if memmem::find(bytes, b"PuTTY-User-Key-File-").is_some()
        && memmem::find(bytes, b"Private-Lines:").is_some()
    {
        return Some("a PuTTY private key");
    }
    if memmem::find(bytes, b"\"unseal_keys_b64\"").is_some()
        || memmem::find(bytes, b"\"unseal_keys_hex\"").is_some()
        || json_string_key(bytes, b"\"root_token\"")
        || (memmem::find(bytes, b"Unseal Key 1:").is_some()
            && memmem::find(bytes, b"Initial Root Token:").is_some())
    {
        return Some("Vault's init output (unseal keys and root token)");
    }
    None
}

/// Whether `key` (quoted) appears as a JSON key with a non-empty string value.
fn json_string_key(bytes: &[u8], key: &[u8]) -> bool {
    memmem::find_iter(bytes, key).any(|at| {
        let rest = &bytes[at + key.len()..];
        let rest = skip_space(rest);
        let Some(rest) = rest.strip_prefix(b":") else {
            return false;
        };
        let rest = skip_space(rest);
        rest.starts_with(b"\"") && rest.get(1).is_some_and(|b| *b != b'"')
    })
}

fn skip_space(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// What secret `path` or `bytes` hold: the name first, then the content.
pub fn scan(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    scan_name(path).or_else(|| scan_bytes(bytes))
}

/// Bytes read at a time from a file that is scanned but not linted.
const CHUNK: usize = 256 * 1024;
/// The smallest chunk: a file that was empty when looked at may still be written to.
const MIN_CHUNK: usize = 4096;
/// Bytes carried from one chunk to the next, so a pattern (or a PEM header line) that
/// straddles two chunks is still seen whole: longer than any pattern and its context.
const OVERLAP: usize = 256;

/// What secret the regular file at `disk` (reported as `path`) holds, reading at most `limit`
/// bytes of it, a chunk at a time (memory stays at one chunk whatever the file's size). A
/// FIFO or device is not opened (it could block or never end); an unreadable file is not a
/// finding (it cannot be read to be shown either).
pub fn scan_file(path: &Path, disk: &Path, limit: u64) -> Option<&'static str> {
    if let Some(reason) = scan_name(path) {
        return Some(reason);
    }
    let meta = std::fs::metadata(disk).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(disk).ok()?.take(limit);
    // A chunk no larger than the file (one byte more, to see its end in one read): a
    // 256 KiB zeroed buffer for each of a tree's small files was most of this function's
    // time (issue #17). A file that grows while read is still read whole, a chunk at a time.
    let chunk = usize::try_from(meta.len().min(limit).saturating_add(1))
        .unwrap_or(CHUNK)
        .clamp(MIN_CHUNK, CHUNK);
    let mut buffer = vec![0u8; OVERLAP + chunk];
    let mut kept = 0;
    loop {
        let read = match file.read(&mut buffer[kept..]) {
            Ok(0) => return None,
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        let filled = kept + read;
        if let Some(reason) = scan_bytes(&buffer[..filled]) {
            return Some(reason);
        }
        kept = filled.min(OVERLAP);
        buffer.copy_within(filled - kept..filled, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";

    #[test]
    fn private_keys_anywhere_in_the_bytes() {
        assert_eq!(scan_bytes(KEY.as_bytes()), Some("a private key"));
        let late = format!("{}{KEY}", "# padding\n".repeat(2000));
        assert_eq!(scan_bytes(late.as_bytes()), Some("a private key"));
        assert_eq!(
            scan_bytes(b"x\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"),
            Some("an SSH private key")
        );
        assert_eq!(
            scan_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
            Some("a private key")
        );
        // Mentions are not keys.
        assert_eq!(
            scan_bytes(b"tls cert.pem key.pem\n# PRIVATE KEY-----\n"),
            None
        );
        assert_eq!(scan_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n"), None);
    }

    #[test]
    fn vault_init_output_in_json_or_text() {
        let json = br#"{"unseal_keys_b64":["a"],"unseal_keys_hex":["b"],"root_token":"hvs.x"}"#;
        assert!(scan_bytes(json).is_some());
        assert!(scan_bytes(br#"{ "root_token" : "hvs.abc" }"#).is_some());
        assert!(scan_bytes(b"Unseal Key 1: abc\nInitial Root Token: hvs.x\n").is_some());
        assert_eq!(scan_bytes(br#"{"root_token": ""}"#), None);
        assert_eq!(scan_bytes(b"# set root_token in vault\n"), None);
    }

    #[test]
    fn files_are_read_whole_in_chunks_and_a_header_across_chunks_is_found() {
        let dir = std::env::temp_dir().join(format!("gblint-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("notes.txt");
        // Small files (a chunk of their own size) and large ones (256 KiB chunks).
        let small = [0, 100, MIN_CHUNK - 30, MIN_CHUNK + 5000];
        let large = [CHUNK - 10, CHUNK + OVERLAP / 2, 3 * CHUNK - 20];
        for offset in small.into_iter().chain(large) {
            let text = format!("{}{KEY}", "x".repeat(offset));
            std::fs::write(&path, &text).expect("write");
            assert_eq!(
                scan_file(&path, &path, u64::MAX),
                Some("a private key"),
                "{offset}"
            );
            // The limit bounds the scan.
            assert_eq!(scan_file(&path, &path, offset as u64), None, "{offset}");
        }
        assert_eq!(
            scan_file(Path::new("vault-unseal-keys.txt"), &path, 0),
            Some("a Vault unseal key file")
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
