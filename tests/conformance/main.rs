//! Conformance against Caddy's own test suites (read from `GBLINT_CORPUS`).

mod binary;
mod caddy_adapt;
mod caddy_findings;
mod caddy_fmt;
mod caddy_lexer;
mod caddy_parse;
mod corefile;
mod differential;
mod fail2ban;
mod fail2ban_differential;
mod iptables_corpus;
mod iptables_differential;
mod iptables_t;
mod realworld;
mod systemd;
mod zonefile;
mod zonefile_pest;
