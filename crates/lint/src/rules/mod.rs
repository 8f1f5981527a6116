//! The rules, one file each, grouped by the format they read; `cross` holds rules that read
//! several formats together, `suppressions` those about gblint's own suppression comments.

pub mod caddy;
pub mod cron;
pub mod cross;
pub mod dns;
pub mod fail2ban;
pub mod iptables;
pub mod lxd;
pub mod ssh;
pub mod suppressions;
pub mod systemd;
pub mod ufw;
pub mod workflow;
