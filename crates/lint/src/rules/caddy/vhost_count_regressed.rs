use std::collections::BTreeSet;

use gblint_diagnostics::{Diagnostic, TextRange};

use crate::baseline::site_hosts;
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Caddyfile that serves fewer site hosts than it did at the baseline, naming
    /// every host that disappeared, and a proxy Caddyfile with fewer hosts than
    /// `[caddy] min-vhosts`. The baseline is `gblint.baseline.json` (written by
    /// `gblint baseline`), or the same files at a git revision with `--baseline-ref REV`.
    /// Hosts are counted after imports and snippets are expanded, so reformatting or
    /// moving sites into imported files changes nothing.
    ///
    /// ## Why is this bad
    /// The production Caddyfile has about 25 sites. A partial file (a two-site test file
    /// copied over it, a merge that lost a block, a failed template render) still passes
    /// `caddy validate` and reloads fine: every site it forgot goes dark at once, and their
    /// certificates stop renewing. The operations guide: "a Caddyfile never silently shrinks".
    ///
    /// ## Example
    /// `gblint.toml` asks for at least 25 hosts (or the baseline lists 25); the file now has 2:
    /// ```toml
    /// [caddy]
    /// min-vhosts = 25
    /// ```
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    ///
    /// drive.example.com {
    /// 	reverse_proxy 10.0.0.20:9000
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Restore the missing site blocks. If removing them was intended, record the new state
    /// with `gblint baseline` and commit it with the change, so the removal is reviewed.
    ///
    /// ## Fix safety
    /// No fix: only a person knows which sites should exist. This rule cannot be silenced with
    /// an inline comment (a shrunken file would carry its own suppression); use `--ignore`
    /// or the configuration.
    pub struct VhostCountRegressed {
        code: "CDY010",
        name: "vhost-count-regressed",
        severity: Error,
        category: Correctness,
        fix: None,
        suppressible: false,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for VhostCountRegressed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let caddyfile = &doc.caddyfile;
            // A file that does not parse has unreliable sites; CDY000 reports it.
            if !caddyfile.errors.is_empty() {
                continue;
            }
            // The set of hosts (a `String` per site) is built only when there is something to
            // compare it with: without a baseline or `min-vhosts` it was 3% of a check of
            // 10,000 sites, for nothing.
            let on_proxy = match ctx.deployment.machine_of(doc.input) {
                Some(machine) => machine.role.as_deref() == Some("proxy"),
                None => true,
            };
            let min_vhosts = ctx.settings.caddy.min_vhosts.filter(|_| on_proxy);
            let recorded = ctx.baseline.and_then(|baseline| {
                let disk = ctx.deployment.disk_paths.get(&caddyfile.file)?;
                Some((baseline, baseline.caddy_facts(disk)?))
            });
            if recorded.is_none() && min_vhosts.is_none() {
                continue;
            }
            let hosts = site_hosts(caddyfile);
            let (file, range) = match caddyfile
                .model
                .sites
                .first()
                .and_then(|site| site.first_key())
            {
                Some(key) => (key.file(), key.range()),
                None => (caddyfile.file, TextRange::empty(0)),
            };
            if let Some((baseline, facts)) = recorded {
                if hosts.len() < facts.hosts.len() {
                    let removed: BTreeSet<&String> = facts.hosts.difference(&hosts).collect();
                    let names: Vec<&str> = removed.iter().map(|h| h.as_str()).collect();
                    out.push(
                        Self::META
                            .diagnostic(
                                file,
                                range,
                                format!(
                                    "{} site hosts now, {} at the baseline ({}); removed: {}",
                                    hosts.len(),
                                    facts.hosts.len(),
                                    baseline.origin,
                                    names.join(", ")
                                ),
                            )
                            .with_label("this Caddyfile shrank")
                            .with_note("every removed site goes dark on the next reload, and its certificate stops renewing")
                            .with_help("restore the missing site blocks; if removing them was intended, run `gblint baseline` and commit it with the change"),
                    );
                }
            }
            if let Some(min) = min_vhosts {
                if hosts.len() < min as usize {
                    out.push(
                        Self::META
                            .diagnostic(file, range, format!("only {} site hosts, fewer than `[caddy] min-vhosts = {min}`", hosts.len()))
                            .with_label("is this a partial Caddyfile?")
                            .with_note("a partial Caddyfile reloads fine and silently takes every missing site offline")
                            .with_help("restore the full Caddyfile, or lower `min-vhosts` in gblint.toml if the deployment really shrank"),
                    );
                }
            }
        }
    }
}
