use gblint_diagnostics::{Diagnostic, Severity, TextRange};
use gblint_iptables::eval::{evaluate, inbound_hooks, inbound_syn};

use super::{readable, step_range, ufw_paths, with_path};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Follows a TCP connection from another machine to each port of `[network]
    /// internal-ports` (default 6379, Valkey) through raw, mangle and nat PREROUTING and
    /// mangle, filter and security INPUT, and reports when it can get through. An error when
    /// a path accepts it for certain; a warning when acceptance depends on something gblint
    /// cannot decide (a source network, an interface name, a rate limit). ufw's rule files are
    /// judged together: `before.rules`, `user.rules` and `after.rules` of one folder, with the
    /// policies of the machine's `/etc/default/ufw`, replayed as `ufw-init` loads them.
    ///
    /// ## Why is this bad
    /// Internal services (Valkey, databases, the admin API) have weak or no authentication and
    /// must be reachable only from the machine itself. An exposed Valkey is found by scanners
    /// within hours and used to write files or run code.
    ///
    /// ## Example
    /// ```iptables
    /// *filter
    /// :INPUT ACCEPT [0:0]
    /// -A INPUT -p tcp --dport 22 -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Use instead
    /// ```iptables
    /// *filter
    /// :INPUT DROP [0:0]
    /// -A INPUT -i lo -j ACCEPT
    /// -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
    /// -A INPUT -p tcp --dport 22 -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: closing a port can cut off something that needs it.
    pub struct InternalPortExposed {
        code: "IPT002",
        name: "internal-port-exposed",
        severity: Error,
        category: Security,
        fix: None,
        kind: Some(FileKind::Iptables),
    }
}

impl Rule for InternalPortExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.iptables {
            if doc.fragment || !readable(doc) {
                continue;
            }
            // A file without a filter table says nothing about exposure.
            if doc.ruleset.table("filter").is_none() {
                continue;
            }
            for &port in &ctx.settings.network.internal_ports {
                let verdict = evaluate(
                    &doc.ruleset,
                    &inbound_hooks(),
                    &inbound_syn(doc.rules.family, port),
                );
                if verdict.delivered_count == 0 {
                    continue;
                }
                let path = verdict
                    .delivered
                    .iter()
                    .find(|p| p.certain)
                    .or_else(|| verdict.delivered.first());
                let Some(path) = path else { continue };
                let range = path
                    .steps
                    .iter()
                    .rev()
                    .find_map(|s| step_range(doc, s))
                    .or_else(|| doc.rules.lines.iter().find(|l| matches!(&l.kind, gblint_iptables::LineKind::Chain(declaration) if declaration.name == "INPUT")).map(|l| l.range))
                    .unwrap_or(TextRange::empty(0));
                let message = if path.certain {
                    format!("port {port} is reachable from other machines")
                } else {
                    format!("port {port} may be reachable from other machines")
                };
                let mut diagnostic = Self::META
                    .diagnostic(doc.file, range, message)
                    .with_label(if path.steps.is_empty() { "INPUT lets it through (policy ACCEPT)" } else { "accepted here" })
                    .with_help(format!("drop port {port} for everything but loopback, or set the INPUT policy to DROP and accept only what must be public"));
                if !path.certain {
                    diagnostic.severity = Severity::Warning;
                }
                out.push(with_path(diagnostic, doc, path));
            }
        }
        // ufw: the ruleset its six files and /etc/default/ufw make together.
        for assembly in &ctx.deployment.ufw_rulesets {
            for &port in &ctx.settings.network.internal_ports {
                let verdict = evaluate(
                    &assembly.ruleset,
                    &inbound_hooks(),
                    &inbound_syn(assembly.family, port),
                );
                let path = verdict
                    .delivered
                    .iter()
                    .find(|p| p.certain)
                    .or_else(|| verdict.delivered.first());
                let Some(path) = path else { continue };
                let Some((file, range)) =
                    ufw_paths::primary(ctx, assembly, path, "DEFAULT_INPUT_POLICY")
                else {
                    continue;
                };
                let ufw = match assembly.family {
                    gblint_iptables::Family::V4 => "ufw",
                    gblint_iptables::Family::V6 => "ufw (IPv6)",
                };
                let message = if path.certain {
                    format!("port {port} is reachable from other machines through {ufw}")
                } else {
                    format!("port {port} may be reachable from other machines through {ufw}")
                };
                let mut diagnostic = Self::META
                    .diagnostic(file, range, message)
                    .with_label("accepted here")
                    .with_help(format!("deny port {port} in ufw (`ufw deny {port}/tcp`), or keep DEFAULT_INPUT_POLICY=\"DROP\" and allow only what must be public"));
                if !path.certain {
                    diagnostic.severity = Severity::Warning;
                }
                out.push(ufw_paths::with_path(diagnostic, ctx, assembly, path));
            }
        }
    }
}
