//! The rules, one file each, grouped by the format they read.

pub mod caddy;
pub mod cron;
pub mod cross;
pub mod dns;
pub mod fail2ban;
pub mod iptables;
pub mod meta;
pub mod ssh;
pub mod systemd;
pub mod ufw;
pub mod workflow;
