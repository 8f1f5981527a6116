use gblint_caddyfile::Caddyfile;
use gblint_corefile::keys::fqdn;
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::deployment::ZoneDoc;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// For every site host of every Caddyfile, finds the zone the deployment serves that is
    /// its longest suffix (a CoreDNS `file` zone with its zone file) and requires an A, AAAA
    /// or CNAME record owned by exactly that host, or a `*.` wildcard covering it. Hosts
    /// outside every served zone are not guessed about: another DNS provider may serve them.
    ///
    /// ## Why is this bad
    /// Caddy requests a certificate for every site; with no DNS record the ACME HTTP challenge
    /// cannot reach the proxy, issuance fails and retries in a loop, and browsers show
    /// ERR_SSL_PROTOCOL_ERROR for the site.
    ///
    /// ## Example
    /// The Caddyfile serves `drive.example.com`:
    ///
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    ///
    /// drive.example.com {
    /// 	reverse_proxy 10.0.0.20:9000
    /// }
    /// ```
    /// `pragmatismo-dns/opt/gbo/conf/Corefile`:
    /// ```corefile
    /// example.com {
    ///     file /opt/gbo/data/example.com.zone
    /// }
    /// ```
    /// but the `example.com` zone has no record for `drive`:
    ///
    /// `pragmatismo-dns/opt/gbo/data/example.com.zone`:
    /// ```zone
    /// $ORIGIN example.com.
    /// @      IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 3600 1209600 3600
    /// @      IN NS  ns1.example.com.
    /// chat   IN A   203.0.113.10
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    ///
    /// drive.example.com {
    /// 	reverse_proxy 10.0.0.20:9000
    /// }
    /// ```
    /// `pragmatismo-dns/opt/gbo/conf/Corefile`:
    /// ```corefile
    /// example.com {
    ///     file /opt/gbo/data/example.com.zone
    /// }
    /// ```
    /// `pragmatismo-dns/opt/gbo/data/example.com.zone`:
    /// ```zone
    /// $ORIGIN example.com.
    /// @      IN SOA ns1.example.com. hostmaster.example.com. 2026112701 7200 3600 1209600 3600
    /// @      IN NS  ns1.example.com.
    /// chat   IN A   203.0.113.10
    /// drive  IN A   203.0.113.10
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the address is not knowable.
    pub struct VhostWithoutDnsRecord {
        code: "GBL001",
        name: "vhost-without-dns-record",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: None,
    }
}

impl Rule for VhostWithoutDnsRecord {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.deployment.zones.is_empty() {
            return;
        }
        for doc in &ctx.deployment.caddyfiles {
            check_caddyfile(ctx, &doc.caddyfile, out);
        }
    }
}

fn serving_zone<'a>(ctx: &'a Context<'_>, host: &str) -> Option<&'a ZoneDoc> {
    ctx.deployment
        .zones
        .iter()
        .filter(|z| {
            z.origin != "." && (host == z.origin || host.ends_with(&format!(".{}", z.origin)))
        })
        .max_by_key(|z| z.origin.len())
}

fn check_caddyfile(ctx: &Context<'_>, caddyfile: &Caddyfile, out: &mut Vec<Diagnostic>) {
    for site in &caddyfile.model.sites {
        for address in &site.addresses {
            let Ok(parsed) = &address.parsed() else {
                continue;
            };
            // Wildcard sites and IP addresses need no record of their own.
            let written = parsed.host();
            if written.is_empty()
                || written.starts_with('*')
                || written.parse::<std::net::IpAddr>().is_ok()
                || written.contains('{')
            {
                continue;
            }
            let host = fqdn(written);
            let Some(zone) = serving_zone(ctx, &host) else {
                continue;
            };
            if zone.zone.has_address(&host) || zone.zone.wildcard_covers(&host) {
                continue;
            }
            let zone_path = ctx.deployment.shown_path(zone.input, ctx.sources);
            let file_path = ctx.sources.get(zone.file).path().display().to_string();
            out.push(
                VhostWithoutDnsRecord::META
                    .diagnostic(
                        address.token.file(),
                        address.token.range(),
                        format!(
                            "`{}` has no A, AAAA or CNAME record in zone {} ({})",
                            written,
                            zone.origin,
                            file_path.strip_prefix("./").unwrap_or(&file_path)
                        ),
                    )
                    .with_label("Caddy will request a certificate for a name that does not resolve")
                    .with_note(format!(
                        "the deployment serves {} from {zone_path}",
                        zone.origin
                    ))
                    .with_help(format!(
                        "add `{}` with an A, AAAA or CNAME record to the zone",
                        host.strip_suffix(&format!(".{}", zone.origin))
                            .unwrap_or(&host)
                    )),
            );
        }
    }
}
