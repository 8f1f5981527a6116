use gblint_diagnostics::{Diagnostic, Edit, Fix, Severity, TextRange};
use gblint_iptables::eval::{
    evaluate, loopback_hooks, loopback_reply, loopback_syn, Addr, Path, Verdict,
};
use gblint_iptables::{Family, LineKind};

use super::{readable, step_range, ufw_paths, with_path};
use crate::context::Context;
use crate::declare_rule;
use crate::deployment::{IptablesDoc, UfwAssembly};
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Follows a loopback TCP connection (client and server on the same machine, e.g. the bot
    /// server talking to Valkey on `127.0.0.1:6379`) through every table and chain it
    /// crosses — filter OUTPUT then INPUT, and raw, mangle, nat and security where present —
    /// with jumps, gotos, RETURNs and policies, and reports when it can be dropped or rejected.
    /// Both the first packet and the server's replies are followed; the ports are
    /// `[network] internal-ports` (default 6379). It is an error when every path drops, a
    /// warning when some path does (through a condition gblint cannot decide: a rate limit,
    /// an ipset, a chain loaded elsewhere). The finding shows the path: each rule and jump
    /// with its line. ufw's rule files are judged together, as `ufw-init` loads them with the
    /// policies of `/etc/default/ufw` (no fix there).
    ///
    /// ## Why is this bad
    /// "Loopback is ACCEPTed before any DROP": without it, local services time out — Valkey
    /// connections hang, health checks fail — while the firewall looks right at a glance.
    /// Common ways to get it wrong: a later `-I INPUT` that lands above the loopback rule,
    /// `-s 127.0.0.0/8 -j ACCEPT` instead of `-i lo` (misses local addresses reached over
    /// lo), the ACCEPT only inside a user chain reached conditionally, `:OUTPUT DROP`, a DROP
    /// in the raw table.
    ///
    /// ## Example
    /// ```iptables
    /// *filter
    /// :INPUT ACCEPT [0:0]
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// -A INPUT -i lo -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Use instead
    /// ```iptables
    /// *filter
    /// :INPUT ACCEPT [0:0]
    /// -A INPUT -i lo -j ACCEPT
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// COMMIT
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `-A INPUT -i lo -j ACCEPT` as the first INPUT rule of the filter table
    /// (`-I INPUT 1 …` just before `COMMIT` when the file itself inserts at the top), and the
    /// `-o lo` OUTPUT counterpart where OUTPUT drops too. When the file already has that rule
    /// further down, the fix moves it to the top instead of adding a second copy. It is offered only when gblint
    /// verifies that the fixed file lets loopback through on every path, and it is safe:
    /// accepting loopback never exposes anything to the network.
    pub struct LoopbackDropped {
        code: "IPT001",
        name: "loopback-dropped",
        severity: Error,
        category: Correctness,
        fix: Sometimes,
        kind: Some(FileKind::Iptables),
    }
}

impl Rule for LoopbackDropped {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.iptables {
            // A fragment sits on rules gblint cannot see; a file that does not read is IPT000's.
            if doc.fragment || !readable(doc) {
                continue;
            }
            let family = doc.rules.family;
            let text = ctx.sources.get(doc.file).text();
            for &port in &ctx.settings.network.internal_ports {
                if let Some(diagnostic) = check_port(doc, text, family, port) {
                    out.push(diagnostic);
                    break;
                }
            }
        }
        // ufw: the ruleset its six files and /etc/default/ufw make together (no fix: which
        // file should change is the operator's call).
        for assembly in &ctx.deployment.ufw_rulesets {
            for &port in &ctx.settings.network.internal_ports {
                if let Some(diagnostic) = check_ufw_port(ctx, assembly, port) {
                    out.push(diagnostic);
                    break;
                }
            }
        }
    }
}

fn check_ufw_port(ctx: &Context<'_>, assembly: &UfwAssembly, port: u16) -> Option<Diagnostic> {
    let (connect, reply) = verdicts(&assembly.ruleset, assembly.family, port, Addr::Loopback);
    let (what, verdict, certain) = if connect.always_dropped() {
        ("loopback connections", &connect, true)
    } else if reply.always_dropped() {
        ("replies on loopback connections", &reply, true)
    } else if connect.may_drop() {
        ("loopback connections", &connect, false)
    } else if reply.may_drop() {
        ("replies on loopback connections", &reply, false)
    } else {
        return None;
    };
    let path = first_path(verdict)?;
    let setting = if path
        .steps
        .last()
        .is_some_and(|s| s.place.ends_with("OUTPUT"))
    {
        "DEFAULT_OUTPUT_POLICY"
    } else {
        "DEFAULT_INPUT_POLICY"
    };
    let (file, range) = ufw_paths::primary(ctx, assembly, path, setting)?;
    let ruleset = match assembly.family {
        Family::V4 => "ufw's ruleset",
        Family::V6 => "ufw's IPv6 ruleset",
    };
    let message = if certain {
        format!("{what} to port {port} are dropped by {ruleset}")
    } else {
        format!("{what} to port {port} may be dropped by {ruleset}")
    };
    let mut diagnostic = LoopbackDropped::META
        .diagnostic(file, range, message)
        .with_label(if certain { "loopback traffic is dropped here" } else { "loopback traffic may be dropped here" })
        .with_help("keep before.rules' `-A ufw-before-input -i lo -j ACCEPT` and `-A ufw-before-output -o lo -j ACCEPT` first");
    if !certain {
        diagnostic.severity = Severity::Warning;
    }
    Some(ufw_paths::with_path(diagnostic, ctx, assembly, path))
}

fn verdicts(
    ruleset: &gblint_iptables::ruleset::Ruleset,
    family: Family,
    port: u16,
    src: Addr,
) -> (Verdict, Verdict) {
    (
        evaluate(ruleset, &loopback_hooks(), &loopback_syn(family, port, src)),
        evaluate(
            ruleset,
            &loopback_hooks(),
            &loopback_reply(family, port, src),
        ),
    )
}

fn first_path(verdict: &Verdict) -> Option<&Path> {
    verdict
        .dropped
        .iter()
        .find(|p| p.certain)
        .or_else(|| verdict.dropped.first())
}

fn check_port(doc: &IptablesDoc, text: &str, family: Family, port: u16) -> Option<Diagnostic> {
    let (connect, reply) = verdicts(&doc.ruleset, family, port, Addr::Loopback);
    let (what, verdict, certain) = if connect.always_dropped() {
        ("loopback connections", &connect, true)
    } else if reply.always_dropped() {
        ("replies on loopback connections", &reply, true)
    } else if connect.may_drop() {
        ("loopback connections", &connect, false)
    } else if reply.may_drop() {
        ("replies on loopback connections", &reply, false)
    } else {
        let (local, _) = verdicts(&doc.ruleset, family, port, Addr::Local);
        if local.always_dropped() {
            let path = first_path(&local)?;
            let range = path
                .steps
                .last()
                .and_then(|s| step_range(doc, s))
                .unwrap_or(TextRange::empty(0));
            let mut diagnostic = LoopbackDropped::META
                .diagnostic(doc.file, range, format!("connections over lo to this host's own non-loopback addresses (port {port}) are dropped"))
                .with_label("dropped here")
                .with_help("accept loopback by interface (`-A INPUT -i lo -j ACCEPT`), not by source address (`-s 127.0.0.0/8`)");
            diagnostic.severity = Severity::Warning;
            return Some(with_path(diagnostic, doc, path));
        }
        return None;
    };
    let path = first_path(verdict)?;
    let last = path.steps.last();
    let range = last
        .and_then(|s| step_range(doc, s))
        .unwrap_or(TextRange::empty(0));
    let by = match last {
        Some(step) if step.what.starts_with("policy") => {
            format!("by the {} policy DROP", step.place)
        }
        Some(step) if step.line > 0 => format!("by line {} ({})", step.line, step.place),
        _ => "on some path".to_owned(),
    };
    let message = if certain {
        format!("{what} to port {port} are dropped {by}")
    } else {
        format!("{what} to port {port} may be dropped {by}")
    };
    let mut diagnostic = LoopbackDropped::META
        .diagnostic(doc.file, range, message)
        .with_label(if certain { "loopback traffic is dropped here" } else { "loopback traffic may be dropped here" })
        .with_help("accept loopback first: `-A INPUT -i lo -j ACCEPT` (and `-A OUTPUT -o lo -j ACCEPT` when OUTPUT drops)");
    if !certain {
        diagnostic.severity = Severity::Warning;
    }
    diagnostic = with_path(diagnostic, doc, path);
    if let Some(fix) = loopback_fix(doc, text, family, port) {
        diagnostic = diagnostic.with_fix(fix);
    }
    Some(diagnostic)
}

/// Edits adding the loopback ACCEPT rules to the last `*filter` block, if they make every
/// path pass.
fn loopback_fix(doc: &IptablesDoc, text: &str, family: Family, port: u16) -> Option<Fix> {
    let lines = &doc.rules.lines;
    let start = lines
        .iter()
        .rposition(|l| matches!(&l.kind, LineKind::Table(t) if *t == "filter"))?;
    let commit = lines[start..]
        .iter()
        .position(|l| l.kind == LineKind::Commit)
        .map(|i| start + i)?;
    let block = &lines[start..commit];
    let mut candidates: Vec<Vec<Edit>> = Vec::new();
    let edits_for = |chain: &str, iface: &str| -> Vec<Edit> {
        let inserts_on_top = block.iter().any(|l| matches!(&l.kind, LineKind::Command(c) if *c.chain == *chain && matches!(c.op, gblint_iptables::command::Op::Insert { .. })));
        if inserts_on_top {
            return vec![Edit::insertion(
                lines[commit].range.start(),
                format!("-I {chain} 1 {iface} lo -j ACCEPT\n"),
            )];
        }
        let first = block
            .iter()
            .find(|l| matches!(&l.kind, LineKind::Command(c) if *c.chain == *chain))
            .unwrap_or(&lines[commit]);
        // The file already has the rule, too late: move it (a second copy would be IPT003's
        // shadowed duplicate on the next run).
        let wanted = format!("-A {chain} {iface} lo -j ACCEPT");
        let existing = block.iter().find(|l| {
            matches!(&l.kind, LineKind::Command(c) if *c.chain == *chain)
                && text
                    .get(l.range.as_range())
                    .is_some_and(|t| t.split_whitespace().collect::<Vec<_>>().join(" ") == wanted)
        });
        match existing {
            Some(line) if line.range == first.range => Vec::new(),
            Some(line) => {
                let end = (line.range.end() as usize + 1).min(text.len());
                let with_newline = if text.as_bytes().get(line.range.end() as usize) == Some(&b'\n')
                {
                    TextRange::new(line.range.start(), end as u32)
                } else {
                    line.range
                };
                vec![
                    Edit::insertion(first.range.start(), format!("{wanted}\n")),
                    Edit::deletion(with_newline),
                ]
            }
            None => vec![Edit::insertion(first.range.start(), format!("{wanted}\n"))],
        }
    };
    let input = edits_for("INPUT", "-i");
    let output = edits_for("OUTPUT", "-o");
    if !input.is_empty() {
        candidates.push(input.clone());
    }
    if !output.is_empty() {
        candidates.push(input.into_iter().chain(output).collect());
    }
    for edits in candidates {
        let fixed = gblint_diagnostics::apply_edits(text, &edits)?;
        let rules = gblint_iptables::parse(&fixed, family);
        if rules
            .problems
            .iter()
            .any(|p| p.kind == gblint_iptables::ProblemKind::Syntax)
        {
            continue;
        }
        let ruleset = gblint_iptables::ruleset::replay(
            &rules,
            gblint_iptables::ruleset::ReplayOptions::default(),
        );
        let (connect, reply) = verdicts(&ruleset, family, port, Addr::Loopback);
        if connect.dropped_count == 0 && reply.dropped_count == 0 {
            let output = edits.iter().any(|e| e.content.contains("OUTPUT"));
            let input = edits.iter().any(|e| e.content.contains("INPUT"));
            let title = match (input, output) {
                (true, true) => "accept loopback first in INPUT and OUTPUT",
                (false, true) => "accept loopback first in OUTPUT",
                _ => "accept loopback first in INPUT",
            };
            return Some(Fix::safe(title, edits));
        }
    }
    None
}
