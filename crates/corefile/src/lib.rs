//! CoreDNS configuration for gblint: the Corefile (CoreDNS's fork of the Caddy v1 block
//! syntax) and the RFC 1035 zone files its `file` plugin serves.
#![deny(missing_docs)]

pub mod zone;
