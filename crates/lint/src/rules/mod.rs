//! The rules, one file each, grouped by the format they read.

pub mod caddy;
pub mod cross;
pub mod dns;
pub mod fail2ban;
pub mod iptables;
pub mod lxd;
pub mod meta;
pub mod systemd;
pub mod ufw;
