use gblint_diagnostics::{Diagnostic, TextRange};

use super::{access_logs, logpaths, proxies, runs, value};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On a proxy machine, requires an enabled fail2ban jail that reads the access log the
    /// machine's Caddyfile writes, with `maxretry` at most `[fail2ban] flood-maxretry`
    /// (default 100) within a `findtime` of at least `flood-findtime` (default 60 s), banning
    /// for at least `flood-bantime` (default 1 h) — the operations guide's flood jail.
    ///
    /// ## Why is this bad
    /// The proxy is the tenant's only public HTTP entry. Without the flood jail, scanners and
    /// credential-stuffing bots hammer every backend through it, and a single client can
    /// exhaust the bot server's connections.
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
    /// enabled  = false
    /// logpath  = /opt/gbo/logs/access.log
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
    /// enabled  = true
    /// filter   = caddy-http-flood
    /// logpath  = /opt/gbo/logs/access.log
    /// maxretry = 100
    /// findtime = 60
    /// bantime  = 3600
    /// ```
    /// with the filter it names:
    ///
    /// `pragmatismo-proxy/etc/fail2ban/filter.d/caddy-http-flood.conf`:
    /// ```ini
    /// [Definition]
    /// failregex = ^\{.*"remote_ip":"<HOST>".*"status":4\d\d[,}]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct HttpFloodJailMissing {
        code: "F2B001",
        name: "http-flood-jail-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for HttpFloodJailMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let max_retry = i64::from(ctx.settings.fail2ban.flood_maxretry.unwrap_or(100));
        let min_find =
            i64::try_from(ctx.settings.fail2ban.flood_findtime.unwrap_or(60)).unwrap_or(i64::MAX);
        let min_ban =
            i64::try_from(ctx.settings.fail2ban.flood_bantime.unwrap_or(3600)).unwrap_or(i64::MAX);
        for (doc, caddyfile) in proxies(ctx) {
            let logs = access_logs(caddyfile);
            let Some(log) = logs.first() else { continue };
            let good = doc.config.jail_views().iter().any(|jail| {
                let duration = |key: &str| {
                    value(jail, key).and_then(|v| gblint_fail2ban::parse_duration(&v).ok())
                };
                let retries = value(jail, "maxretry").and_then(|v| v.trim().parse::<i64>().ok());
                runs(doc, jail)
                    && logpaths(jail)
                        .iter()
                        .any(|p| logs.iter().any(|l| &l.path == p))
                    && retries.is_some_and(|r| r <= max_retry)
                    && duration("findtime").is_some_and(|f| f >= min_find)
                    && duration("bantime").is_some_and(|b| b < 0 || b >= min_ban)
            });
            if good {
                continue;
            }
            let at = doc
                .file_of("jail.local")
                .or_else(|| doc.files.values().next().map(|(f, _)| *f));
            let Some(file) = at else { continue };
            out.push(
                Self::META
                    .diagnostic(
                        file,
                        TextRange::empty(0),
                        format!("no enabled jail bans HTTP floods on the proxy: none reads {} with maxretry ≤ {max_retry}, findtime ≥ {min_find}s and bantime ≥ {min_ban}s", log.path),
                    )
                    .with_label("this proxy has no working flood jail")
                    .with_secondary(log.at.0, log.at.1, "Caddy writes its access log here")
                    .with_help("enable a jail on the Caddy access log: maxretry = 100, findtime = 60, bantime = 3600"),
            );
        }
    }
}
