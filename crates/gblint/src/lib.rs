//! gblint as a library: lint, fix, format and render the configuration of a deployment
//! (Caddyfiles, CoreDNS Corefiles and zone files, iptables and ufw rules, fail2ban, systemd
//! units), with the findings the `gblint` command prints.
//!
//! This crate is the whole supported surface; the `gblint-*` crates it builds on are internal
//! and change without notice.
//!
//! # Check
//!
//! [`Linter::discover`] finds the configuration (`gblint.toml`) and the baseline as
//! `gblint check PATH` does; [`Linter::check`] returns a [`Report`] of [`Diagnostic`]s, which
//! serialise to what `gblint check --output-format json` prints.
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("Caddyfile"), "example.com {\n\trespond \"hi\"\n}\n")?;
//!
//! let report = gblint::Linter::discover(dir.path())?.check()?;
//! let finding = &report.diagnostics()[0];
//! assert_eq!(finding.code, "CDY001");
//! assert_eq!((finding.location.line, finding.location.column), (1, 1));
//! assert!(report.fails(gblint::Severity::Error));
//! assert!(report.to_json().contains("\"code\": \"CDY001\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Unsaved text (an editor's buffer) is checked in the context of the rest of the tree with
//! [`Linter::check_with`].
//!
//! # Fix
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("Caddyfile"), "example.com {\n\trespond \"hi\"\n}\n")?;
//!
//! let linter = gblint::Linter::discover(dir.path())?;
//! // Adding a storage root changes behaviour: that fix is unsafe.
//! assert_eq!(linter.fix(gblint::Applicability::Safe)?.applied(), 0);
//! let fixed = linter.fix(gblint::Applicability::Unsafe)?;
//! let (_, text) = fixed.files().next().expect("the Caddyfile changed");
//! assert!(text.contains("storage file_system"));
//! assert!(fixed.report().diagnostics().iter().all(|d| d.code != "CDY001"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # FileKind
//!
//! ```
//! use std::path::Path;
//!
//! let formatted = gblint::format(Path::new("Caddyfile"), "example.com {\n    respond \"hi\"\n}\n")?;
//! assert_eq!(formatted.text, "example.com {\n\trespond \"hi\"\n}\n");
//! assert_eq!(formatted.first_changed_line, Some(2));
//! assert_eq!(formatted.unsafe_to_write, None);
//! # Ok::<(), gblint::FormatError>(())
//! ```
//!
//! # Render
//!
//! [`render::render`] generates a tenant's deployment tree from an inventory, in memory, and
//! checks it; [`render::run`] writes it (or diffs, or checks it against a folder).
//!
//! ```
//! use std::path::Path;
//!
//! let tree = gblint::render::render(Path::new("../../examples/pragmatismo.toml"), None)?;
//! let proxy = tree
//!     .files
//!     .iter()
//!     .find(|file| file.path.ends_with("opt/gbo/conf/config"))
//!     .expect("the proxy's Caddyfile");
//! assert!(proxy.text.contains("storage file_system"));
//!
//! let dir = tempfile::tempdir()?;
//! let request = gblint::render::Request::new("../../examples/pragmatismo.toml", dir.path().join("out"))
//!     .backup(false);
//! let summary = gblint::render::run(&request)?;
//! assert_eq!(summary.changes.len(), tree.files.len());
//! // What was written lints clean.
//! let report = gblint::Linter::discover(dir.path().join("out"))?.check()?;
//! assert!(!report.fails(gblint::Severity::Error));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules and baselines
//!
//! [`rules()`] lists every rule with its metadata ([`lookup_rule`] finds one as `gblint
//! explain` does); [`write_baseline`] records a deployment's facts (what `gblint baseline`
//! does).
//!
//! # What the command is made of
//!
//! The `gblint` command uses this crate and nothing else: [`Config`] and [`Input`] for what a
//! run reads, [`Linter`] and [`Fixed::write`] for `check` and `--fix`, [`format_files`] and
//! [`FormatRun::write`] for `fmt`, [`output`] for every output format and the summary,
//! [`render::run`], [`write_baseline`], [`rules()`] and [`lookup_rule`], and [`server`].
#![deny(missing_docs)]

mod baseline;
mod config;
mod error;
mod format;
mod format_files;
mod input;
mod linter;
pub mod output;
pub mod render;
mod report;
mod rules;
#[cfg(feature = "server")]
pub mod server;
mod write;

pub use baseline::{write_baseline, BaselineWritten};
pub use config::Config;
pub use error::Error;
pub use format::{can_format, format, format_as, FileKind, FormatError, FormatOptions, Formatted};
pub use format_files::{format_files, FormatRun, FormattedFile};
pub use gblint_diagnostics::{
    Applicability as FixApplicability, Category, PortableDiagnostic as Diagnostic,
    PortableEdit as Edit, PortableFix as Fix, PortableLabel as Label, Position, Severity, Span,
};
pub use input::{Input, ReadError};
pub use linter::{Applicability, Fixed, Linter, LinterBuilder};
pub use report::Report;
pub use rules::{lookup_rule, rule, rules, RuleInfo};
pub use write::{WriteOptions, Written};

/// The types an embedder holds across threads (a language server keeps them on a worker).
#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Linter>();
    is::<Report>();
    is::<Diagnostic>();
    is::<Error>();
    is::<Fixed>();
    is::<Config>();
    is::<Input>();
    is::<FormatRun>();
    is::<output::EmitOptions>();
}
