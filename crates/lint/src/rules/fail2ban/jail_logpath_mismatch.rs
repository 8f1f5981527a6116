use gblint_diagnostics::Diagnostic;

use super::{access_logs, is_flood_jail, logpaths, origin, proxies, runs};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On a proxy machine, reports the HTTP flood jail (a jail reading a Caddy log, or named
    /// or filtered for caddy/http/flood) when its `logpath` is not a file the machine's
    /// Caddyfile writes with `log { output file … }`, and the Caddy access log when it is not
    /// written as JSON (`format json`), which the flood filter expects.
    ///
    /// ## Why is this bad
    /// fail2ban watches a file that never grows (or parses lines it cannot match): the jail is
    /// enabled, shows no errors, and never bans.
    ///
    /// ## Example
    /// On a proxy machine whose Caddyfile writes `/opt/gbo/logs/access.log`:
    ///
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	log {
    /// 		output file /opt/gbo/logs/access.log
    /// 		format json
    /// 	}
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    /// `pragmatismo-proxy/etc/fail2ban/jail.local`:
    /// ```ini
    /// [caddy-http-flood]
    /// enabled = true
    /// logpath = /var/log/caddy/access.log
    /// ```
    /// `pragmatismo-proxy/etc/fail2ban/filter.d/caddy-http-flood.conf`:
    /// ```ini
    /// [Definition]
    /// failregex = ^\{.*"remote_ip":"<HOST>".*"status":4\d\d[,}]
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	log {
    /// 		output file /opt/gbo/logs/access.log
    /// 		format json
    /// 	}
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    /// `pragmatismo-proxy/etc/fail2ban/jail.local`:
    /// ```ini
    /// [caddy-http-flood]
    /// enabled = true
    /// logpath = /opt/gbo/logs/access.log
    /// ```
    /// `pragmatismo-proxy/etc/fail2ban/filter.d/caddy-http-flood.conf`:
    /// ```ini
    /// [Definition]
    /// failregex = ^\{.*"remote_ip":"<HOST>".*"status":4\d\d[,}]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct JailLogpathMismatch {
        code: "F2B004",
        name: "jail-logpath-mismatch",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for JailLogpathMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (doc, caddyfile) in proxies(ctx) {
            let logs = access_logs(caddyfile);
            if logs.is_empty() {
                continue;
            }
            for jail in doc.config.jail_views() {
                let name = &jail.name;
                // Only jails fail2ban runs: a disabled or skipped jail (the stock jail.conf's
                // [nginx-http-auth], …) is not the flood jail.
                if !runs(doc, jail) || !is_flood_jail(jail, &logs) || jail.name == "sshd" {
                    continue;
                }
                let paths = logpaths(jail);
                let Some(value) = jail.get("logpath") else {
                    continue;
                };
                if !paths.iter().any(|p| logs.iter().any(|l| &l.path == p)) {
                    if let Some((file, range)) = origin(doc, value) {
                        let written: Vec<&str> = logs.iter().map(|l| l.path.as_str()).collect();
                        out.push(
                            Self::META
                                .diagnostic(
                                    file,
                                    range,
                                    format!(
                                        "[{name}] reads {}, but Caddy writes its access log to {}",
                                        paths.join(" "),
                                        written.join(", ")
                                    ),
                                )
                                .with_label("Caddy never writes this file")
                                .with_secondary(
                                    logs[0].at.0,
                                    logs[0].at.1,
                                    "the access log Caddy writes",
                                )
                                .with_help(format!("set `logpath = {}`", written[0])),
                        );
                    }
                    continue;
                }
                for log in logs.iter().filter(|l| paths.contains(&l.path) && !l.json) {
                    out.push(
                        Self::META
                            .diagnostic(log.at.0, log.at.1, format!("the access log {} is not JSON, but [{name}] expects Caddy's JSON lines", log.path))
                            .with_label("add `format json`")
                            .with_help("write `format json` in this log block"),
                    );
                }
            }
        }
    }
}
