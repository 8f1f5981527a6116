//! Secrets that must never sit in a deployment tree (GBL002): Vault unseal keys, Vault's
//! `init.json` (it holds the unseal keys and the root token), and private keys. Only names
//! and the first bytes of a file are looked at, and nothing found is ever printed.

use std::io::Read;
use std::path::Path;

/// Bytes read from each file to look for a PEM private key header.
const PEEK: u64 = 8192;

/// Why `path` holds a secret, if it does.
pub fn scan(path: &Path, disk: Option<&Path>, text: Option<&str>) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.contains("unseal") {
        return Some("a Vault unseal key file".into());
    }
    let head = match text {
        Some(text) => {
            let mut end = text.len().min(PEEK as usize);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].to_owned()
        }
        None => {
            let disk = disk?;
            // Opening a FIFO blocks until a writer comes; only regular files are peeked at.
            if !std::fs::metadata(disk).ok()?.is_file() {
                return None;
            }
            let mut buffer = Vec::new();
            std::fs::File::open(disk)
                .ok()?
                .take(PEEK)
                .read_to_end(&mut buffer)
                .ok()?;
            String::from_utf8_lossy(&buffer).into_owned()
        }
    };
    if name == "init.json" && (head.contains("unseal_keys") || head.contains("root_token")) {
        return Some("Vault's init.json (unseal keys and root token)".into());
    }
    if head.contains("-----BEGIN") && head.contains("PRIVATE KEY-----") {
        return Some("a private key".into());
    }
    if head.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return Some("an SSH private key".into());
    }
    None
}
