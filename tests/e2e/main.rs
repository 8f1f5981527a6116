//! End-to-end tests of the `gblint` binary.

mod baseline;
mod caddy_trust;
mod check;
mod config_schema;
mod dns;
mod fix;
mod fmt;
mod hostile;
mod install;
mod iptables;
mod lxd;
mod output_flags;
mod outputs;
mod render;
mod rules_cli;
mod secrets;
mod services;
mod suppressions;
mod tenants;
mod writes;
