//! Caddyfile rules (`CDY`).

/// CDY005: `admin off`.
pub mod admin_api_disabled;
/// CDY006: a backslash in a comment joins lines.
pub mod comment_continues_line;
/// CDY003: one address in two site blocks.
pub mod duplicate_site_address;
/// CDY012: imports leading outside what gblint reads.
pub mod import_not_followed;
/// CDY011: `reverse_proxy` upstreams.
pub mod invalid_upstream;
/// CDY007: differs from `caddy fmt`.
pub mod not_formatted;
/// CDY001: no storage root.
pub mod storage_not_configured;
/// CDY002: storage root differs from the configured one.
pub mod storage_root_mismatch;
/// CDY014: site hosts Caddy will not manage a certificate for.
pub mod subject_not_certifiable;
/// CDY000: what Caddy would refuse to parse.
pub mod syntax_error;
/// CDY004: imports that name nothing.
pub mod undefined_import;
/// CDY013: directives, options and modules a stock Caddy does not have.
pub mod unknown_directive;
/// CDY010: fewer site hosts than the baseline or `min-vhosts`.
pub mod vhost_count_regressed;

use gblint_caddyfile::{CaddyToken, Directive, GlobalOptions, ImportSite};
use gblint_diagnostics::SourceMap;

/// The root the ops guide prescribes; used by fixes when `[caddy] storage-root` is not set.
pub const GUIDE_STORAGE_ROOT: &str = "/opt/gbo/data/caddy";

/// What the global `storage` option says.
pub enum Storage<'a> {
    /// No `storage` option at all (or no global block).
    Missing,
    /// `storage file_system` with its root token.
    FileSystem {
        /// The `storage` directive.
        directive: &'a Directive,
        /// The root path token (inline argument or the block's `root`).
        root: Option<&'a CaddyToken>,
    },
    /// Another storage module (redis, s3, …): certificates persist elsewhere.
    Other(&'a Directive),
}

/// Read the effective `storage` option (the last one wins, as in Caddy).
pub fn storage(global: Option<&GlobalOptions>) -> Storage<'_> {
    let Some(directive) = global.and_then(|global| global.option("storage").last()) else {
        return Storage::Missing;
    };
    match directive.args().first().map(|token| &*token.text) {
        Some("file_system") => {
            let inline = directive.args().get(1);
            let block = directive
                .sub("root")
                .last()
                .and_then(|root| root.args().first());
            Storage::FileSystem {
                directive,
                root: inline.or(block),
            }
        }
        Some(_) => Storage::Other(directive),
        None => Storage::FileSystem {
            directive,
            root: None,
        },
    }
}

/// The import chain of a token as a note ("imported at FILE:LINE"), or `None` for tokens of
/// the root file.
pub fn chain_note(chain: &[ImportSite], sources: &SourceMap) -> Option<String> {
    if chain.is_empty() {
        return None;
    }
    let steps: Vec<String> = chain
        .iter()
        .rev()
        .map(|site| {
            let file = sources.get(site.file);
            match &site.snippet {
                Some(snippet) => {
                    format!("{}:{} (import {snippet})", file.path().display(), site.line)
                }
                None => format!("{}:{} (import)", file.path().display(), site.line),
            }
        })
        .collect();
    Some(format!("reached through {}", steps.join(" ← ")))
}
