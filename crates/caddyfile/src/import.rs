//! Reading the files an `import` names: glob rules, the deployment-root fence, env substitution
//! and lexing of each imported file. gblint reads these files; it never executes anything.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use gblint_diagnostics::{FileId, SourceFile, SourceMap};

use crate::env::{substitute, EnvLookup};
use crate::lexer::{tokenize_shared, LexError};
use crate::text::SharedText;
use crate::token::CaddyToken;

/// Largest file an import reads unless the caller sets [`ImportContext::max_file_bytes`]:
/// larger ones are refused with a diagnostic.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Everything `import` resolution needs besides the tokens.
pub struct ImportContext<'a> {
    /// Where loaded files are registered so diagnostics can point into them.
    pub sources: &'a mut SourceMap,
    /// Environment lookup for `{$VAR}`.
    pub env: EnvLookup<'a>,
    /// Imports must resolve inside this folder (the machine folder of a deployment, or the
    /// checked folder); `None` disables the fence.
    pub root: Option<PathBuf>,
    /// Where an absolute import path is anchored: a deployment machine folder holds files at
    /// their absolute path on that machine, so `/etc/caddy/x` means `<machine>/etc/caddy/x`.
    pub absolute_base: Option<PathBuf>,
    /// Disk path of each file that has one (the root file and every imported file).
    pub disk_paths: HashMap<FileId, PathBuf>,
    /// Files already in `sources`, by canonical path: an import of one reuses its id, so a
    /// finding in it is reported once, under the path it was given as. Borrowed: one map
    /// serves every root of a run (a copy per root made checking N files quadratic).
    pub known: Option<&'a HashMap<PathBuf, FileId>>,
    /// Texts that replace files on disk, by canonical path: the fix loop checks its edits
    /// before anything is written.
    pub overlay: Option<&'a HashMap<PathBuf, Arc<str>>>,
    /// Largest file an import reads; larger ones are an error, not a read.
    pub max_file_bytes: u64,
    /// What secret an imported file holds, from its path and bytes (gblint's GBL002 scan).
    /// Such a file is not lexed or added to the source map (so never shown, fixed or
    /// diffed): the import is an error that names only the kind of secret.
    pub secret_scan: Option<SecretScan>,
    cache: HashMap<PathBuf, Loaded>,
}

/// Finds the kind of secret a file holds, from its path and bytes (`None`: none).
pub type SecretScan = fn(&Path, &[u8]) -> Option<&'static str>;

/// An imported file, lexed.
#[derive(Clone)]
pub(crate) struct Loaded {
    pub file: FileId,
    pub tokens: Arc<Vec<CaddyToken>>,
    pub errors: Vec<(FileId, LexError)>,
}

/// Why an import could not be read.
pub(crate) enum LoadError {
    /// Caddy's own failure text.
    Caddy(String),
    /// The file lies outside the fence.
    OutsideRoot(PathBuf),
}

impl<'a> ImportContext<'a> {
    /// A context with no fence and no absolute base.
    pub fn new(sources: &'a mut SourceMap, env: EnvLookup<'a>) -> Self {
        ImportContext {
            sources,
            env,
            root: None,
            absolute_base: None,
            disk_paths: HashMap::new(),
            known: None,
            overlay: None,
            max_file_bytes: MAX_FILE_BYTES,
            secret_scan: None,
            cache: HashMap::new(),
        }
    }

    /// The disk folder relative imports in `file` resolve against.
    pub(crate) fn base_dir(&self, file: FileId) -> Option<PathBuf> {
        self.disk_paths
            .get(&file)
            .and_then(|path| path.parent().map(Path::to_path_buf))
    }

    /// Turn an import pattern written in `file` into the glob pattern Caddy would use.
    pub(crate) fn glob_pattern(&self, file: FileId, pattern: &str) -> PathBuf {
        let pattern_path = Path::new(pattern);
        if pattern_path.is_absolute() {
            match &self.absolute_base {
                Some(base) => base.join(pattern_path.strip_prefix("/").unwrap_or(pattern_path)),
                None => pattern_path.to_path_buf(),
            }
        } else {
            let dir = self.base_dir(file).unwrap_or_else(|| PathBuf::from("."));
            clean(&dir.join(pattern_path))
        }
    }

    /// Where `pattern` (a glob pattern from [`Self::glob_pattern`]) would lead when that is outside
    /// the fence: checked on the deepest existing folder above its first wildcard, before any
    /// file is looked at, so a missing file outside the root is reported as outside, not as
    /// missing, and gblint never probes the disk beyond the root.
    pub(crate) fn outside_fence(&self, pattern: &Path) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        let mut literal = PathBuf::new();
        for component in pattern.components() {
            if component
                .as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '['])
            {
                break;
            }
            literal.push(component);
        }
        let mut probe = literal.as_path();
        loop {
            let candidate = if probe.as_os_str().is_empty() {
                Path::new(".")
            } else {
                probe
            };
            if let Ok(canonical) = std::fs::canonicalize(candidate) {
                let rest = literal.strip_prefix(probe).unwrap_or(Path::new(""));
                return (!canonical.starts_with(root)).then(|| clean(&canonical.join(rest)));
            }
            probe = probe.parent()?;
        }
    }

    /// Load and lex one imported file (cached per canonical path).
    pub(crate) fn load(&mut self, path: &Path) -> Result<Loaded, LoadError> {
        let canonical = std::fs::canonicalize(path).map_err(|err| {
            LoadError::Caddy(format!(
                "Could not import {}: {}",
                path.display(),
                io_text(&err)
            ))
        })?;
        if let Some(root) = &self.root {
            if !canonical.starts_with(root) {
                return Err(LoadError::OutsideRoot(canonical));
            }
        }
        if let Some(loaded) = self.cache.get(&canonical) {
            return Ok(loaded.clone());
        }
        if let Some(&file) = self.known.and_then(|known| known.get(&canonical)) {
            self.disk_paths.insert(file, canonical.clone());
            let text = self.sources.get(file).shared_text();
            let (tokens, errors) = if text.trim().is_empty() {
                (Vec::new(), Vec::new())
            } else {
                lex_file(file, &text, self.env)
            };
            let loaded = Loaded {
                file,
                tokens: Arc::new(tokens),
                errors: errors.into_iter().map(|e| (file, e)).collect(),
            };
            self.cache.insert(canonical, loaded.clone());
            return Ok(loaded);
        }
        let text = match self.overlay.and_then(|overlay| overlay.get(&canonical)) {
            Some(text) => text.to_string(),
            None => {
                use gblint_diagnostics::read::{read_limited, ReadError};
                // Refuses a folder, a FIFO or a device before opening it, and never reads
                // past the limit, even from a file that grows meanwhile.
                let bytes = read_limited(&canonical, self.max_file_bytes).map_err(|err| {
                    LoadError::Caddy(match err {
                        ReadError::Io(err) => format!(
                            "Could not read imported file {}: {}",
                            path.display(),
                            io_text(&err)
                        ),
                        err => format!("Could not import {}: {err}", path.display()),
                    })
                })?;
                if let Some(secret) = self.secret_scan.and_then(|scan| scan(&canonical, &bytes)) {
                    return Err(LoadError::Caddy(format!(
                        "Could not import {}: it holds {secret} (GBL002); gblint does not read or show it",
                        path.display()
                    )));
                }
                match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
                }
            }
        };
        let display = display_path(path);
        let file = self.sources.add(SourceFile::new(display, text));
        self.disk_paths.insert(file, canonical.clone());
        let text = self.sources.get(file).shared_text();
        let (tokens, errors) = if text.trim().is_empty() {
            (Vec::new(), Vec::new())
        } else {
            lex_file(file, &text, self.env)
        };
        let loaded = Loaded {
            file,
            tokens: Arc::new(tokens),
            errors: errors.into_iter().map(|e| (file, e)).collect(),
        };
        self.cache.insert(canonical, loaded.clone());
        Ok(loaded)
    }
}

/// Env-substitute and lex one file's text into Caddy-view tokens with original spans.
pub fn lex_file(file: FileId, text: &str, env: EnvLookup<'_>) -> (Vec<CaddyToken>, Vec<LexError>) {
    let substituted = substitute(text, env);
    let shared = SharedText::for_file(Arc::from(substituted.text.as_str()), file, Arc::default());
    let lexed = tokenize_shared(&shared);
    let tokens = lexed
        .tokens
        .into_iter()
        .map(|token| {
            // Sliced from the substituted text: the token's bytes are mapped back to the
            // file's, so a token after a substitution keeps them with its own text.
            let range = substituted.map_range(token.range);
            CaddyToken::new(token.text, token.line, token.quote, range)
        })
        .collect();
    let errors = lexed
        .errors
        .into_iter()
        .map(|error| LexError {
            range: substituted.map_range(error.range),
            ..error
        })
        .collect();
    (tokens, errors)
}

/// A path as diagnostics should show it: relative to the working directory when inside it.
pub fn display_path(path: &Path) -> PathBuf {
    let cleaned = clean(path);
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(relative) = cleaned.strip_prefix(&cwd) {
            return relative.to_path_buf();
        }
    }
    cleaned
}

/// Lexically clean a path like Go's `filepath.Clean` (drop `.`, fold `..`), without touching
/// the file system.
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn io_text(err: &std::io::Error) -> String {
    gblint_diagnostics::read::io_cause(err)
}
