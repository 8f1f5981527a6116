//! CoreDNS configuration for gblint: the Corefile (CoreDNS's fork of the Caddy v1 block
//! syntax) and the RFC 1035 zone files its `file` plugin serves.
//!
//! * [`lexer`]: the v1 tokenizer (comments anywhere, `"` quotes only), lossless by ranges.
//! * [`parser`]: server blocks, directives, snippets and imports, every error collected.
//! * [`keys`]: server block keys normalised as CoreDNS does (transport, port, FQDN, reverse
//!   zones from CIDRs).
//! * [`plugins`]: plugin.cfg order and once-per-block plugins.
//! * [`register`]: which blocks CoreDNS refuses to register together (zone, port, bind, view).
//! * [`setup`]: what each stock plugin's setup refuses (arguments, block options, values).
//! * [`acl`]: the `acl` plugin's policies, typed, with its setup errors.
//! * [`zone`]: zone files.
//! * [`format`](mod@format): a Corefile formatter.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

pub mod acl;
pub mod format;
pub mod keys;
pub mod lexer;
pub mod parser;
pub mod plugins;
pub mod register;
pub mod setup;
pub mod zone;

pub use parser::{parse, Corefile, Directive, ImportOptions, ParseError, SecretScan, ServerBlock};
