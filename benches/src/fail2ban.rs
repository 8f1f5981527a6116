//! fail2ban inputs: a configuration folder with `jails` HTTP-flood jails in `jail.local`.
//!
//! `gen_fail2ban.py` copies the machine's whole stock `/etc/fail2ban` (about 300 KB in Debian 12's
//! package: a `jail.conf` with ~90 jails, ~90 filters, ~60 actions) and adds its `jail.local` and
//! filter. That tree comes from the fail2ban package, not from this repository, so these
//! benches use a **small built-in stand-in** instead ([`STOCK`], ~6 KB: a `jail.conf` with
//! the stock `[DEFAULT]` interpolation chains and a dozen of its jails, `paths-*.conf`,
//! `fail2ban.conf`, Debian's `jail.d/defaults-debian.conf`, three filters and three actions,
//! written for these benches in the stock files' shape). The generated part (`jail.local`,
//! `filter.d/caddy-http-flood.conf`) is byte for byte the generator's. Absolute timings are
//! therefore lower than `scripts/bench.sh`'s fail2ban rows, which load the full stock tree;
//! growth with the number of jails is what these benches are for.
//!
//! The generator also creates the empty log files the jails name; nothing gblint does reads
//! them, so here `logpath` names files under [`LOG_DIR`] that need not exist.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The built-in stand-in for the stock fail2ban tree: (path inside `/etc/fail2ban/`, text).
pub const STOCK: &[(&str, &str)] = &[
    (
        "action.d/iptables-allports.conf",
        include_str!("fail2ban_stock/action.d/iptables-allports.conf"),
    ),
    (
        "action.d/iptables-multiport.conf",
        include_str!("fail2ban_stock/action.d/iptables-multiport.conf"),
    ),
    (
        "action.d/iptables.conf",
        include_str!("fail2ban_stock/action.d/iptables.conf"),
    ),
    (
        "fail2ban.conf",
        include_str!("fail2ban_stock/fail2ban.conf"),
    ),
    (
        "filter.d/common.conf",
        include_str!("fail2ban_stock/filter.d/common.conf"),
    ),
    (
        "filter.d/recidive.conf",
        include_str!("fail2ban_stock/filter.d/recidive.conf"),
    ),
    (
        "filter.d/sshd.conf",
        include_str!("fail2ban_stock/filter.d/sshd.conf"),
    ),
    ("jail.conf", include_str!("fail2ban_stock/jail.conf")),
    (
        "jail.d/defaults-debian.conf",
        include_str!("fail2ban_stock/jail.d/defaults-debian.conf"),
    ),
    (
        "paths-common.conf",
        include_str!("fail2ban_stock/paths-common.conf"),
    ),
    (
        "paths-debian.conf",
        include_str!("fail2ban_stock/paths-debian.conf"),
    ),
];

/// Where the generated jails' `logpath`s point (files that need not exist).
pub const LOG_DIR: &str = "/var/log/gblint-bench";

/// `filter.d/caddy-http-flood.conf` as `gen_fail2ban.py` writes it.
pub const CADDY_HTTP_FLOOD_FILTER: &str = r#"[Definition]
failregex = ^\{.*"logger":"http\.log\.access[^"]*".*"remote_ip":"<HOST>".*"status":4\d\d[,}]
ignoreregex =
datepattern = "ts":{EPOCH}
"#;

/// `jail.local` as `gen_fail2ban.py` writes it: `[DEFAULT] backend = auto`, `sshd` disabled,
/// then `jails` enabled jails `caddy-http-flood`, `caddy-http-flood-2`, … each reading
/// `{log_dir}/siteN-access.log`.
pub fn jail_local(jails: usize, log_dir: &str) -> String {
    let mut out = String::from("[DEFAULT]\nbackend = auto\n\n[sshd]\nenabled = false\n");
    for i in 1..=jails {
        let name = if i == 1 {
            "caddy-http-flood".to_owned()
        } else {
            format!("caddy-http-flood-{i}")
        };
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "\n[{name}]\nenabled  = true\nport     = http,https\nfilter   = caddy-http-flood\n\
             logpath  = {log_dir}/site{i}-access.log\nmaxretry = 100\nfindtime = 60\nbantime  = 3600\n"
        );
    }
    out
}

/// The whole configuration folder: [`STOCK`], the flood filter and [`jail_local`] with
/// `logpath`s under [`LOG_DIR`], keyed by path inside `/etc/fail2ban/` (what
/// `gblint_fail2ban::load` takes).
pub fn tree(jails: usize) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = STOCK
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect();
    files.insert(
        "filter.d/caddy-http-flood.conf".to_owned(),
        CADDY_HTTP_FLOOD_FILTER.to_owned(),
    );
    files.insert("jail.local".to_owned(), jail_local(jails, LOG_DIR));
    files
}
