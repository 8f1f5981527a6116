//! Differential tests against the real tools (switched on with `--features oracle`; they fail,
//! never skip, when a tool is missing).

mod caddy_fix;
mod caddy_fmt;
mod caddy_syntax;
mod cron;
mod fail2ban;
mod iptables;
mod iptables_help;
mod lxd;
mod neovim;
mod render;
mod ssh;
mod systemd;
mod ufw;
