//! Where a Caddy-view token came from beyond its file: the imports that brought it and the
//! snippet it was defined in.

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

/// Where an `import` pulled a token in: one step of a token's import chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSite {
    /// File of the `import` directive.
    pub file: FileId,
    /// Caddy's line of the `import` directive.
    pub line: u32,
    /// The `import` keyword's bytes.
    pub range: TextRange,
    /// The snippet imported, when the import named a snippet.
    pub snippet: Option<Arc<str>>,
}

/// Where a Caddy-view token came from beyond its file: the imports that brought it and the
/// snippet it was defined in. Shared by every token with the same origin (one per file for a
/// root file's tokens), so a token carries one pointer for both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Imports that brought the token here, outermost first; empty for the root file.
    pub chain: Arc<[ImportSite]>,
    /// The snippet the token was defined in, if any.
    pub snippet: Option<Arc<str>>,
}
