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
//! The parsers are hand-written, on purpose: the lexers are context-sensitive (a `{` opens a
//! block only at the end of a line, `$ORIGIN` changes how every later owner reads), every error
//! must carry CoreDNS's or miekg/dns's own message and a span, parsing goes on after an error,
//! and the trees are lossless so files print back byte for byte. A generated parser would
//! stop at the first error with its own wording. `zone.pest`, beside this crate's manifest, is
//! a PEG grammar of the zone-file syntax kept for another reason: it is an independent second
//! reading that the conformance suite (`tests/conformance/zonefile_pest.rs`) compares with
//! [`zone::parse`] over every zone file of the corpora.
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
