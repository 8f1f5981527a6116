//! iptables rules (`IPT`).

/// IPT002: an internal port reachable from other machines.
pub mod internal_port_exposed;
/// IPT001: loopback traffic can be dropped.
pub mod loopback_dropped;
/// IPT004: input iptables-restore refuses although it reads.
pub mod restore_will_fail;
/// IPT003's integer keys for comparing rules.
pub mod rule_keys;
/// IPT003: a rule no packet can reach.
pub mod shadowed_rule;
/// IPT000: lines iptables-restore cannot read.
pub mod syntax_error;
/// Locations of paths through ufw's assembled ruleset.
pub mod ufw_paths;

use gblint_diagnostics::{Diagnostic, TextRange};
use gblint_iptables::eval::{Path, Step};

use crate::deployment::IptablesDoc;

/// Internal ports when `[network] internal-ports` is not set: Valkey/Redis.
pub const DEFAULT_INTERNAL_PORTS: &[u16] = &[6379];

/// The byte range of a step: its rule, or the `:CHAIN POLICY` line of a policy.
pub fn step_range(doc: &IptablesDoc, step: &Step) -> Option<TextRange> {
    if step.range != TextRange::empty(0) {
        return Some(step.range);
    }
    (step.line > 0)
        .then(|| doc.rules.lines.get(step.line as usize - 1).map(|l| l.range))
        .flatten()
}

/// Attach a path's steps as labels and a one-line summary note.
pub fn with_path(mut diagnostic: Diagnostic, doc: &IptablesDoc, path: &Path) -> Diagnostic {
    let mut summary = Vec::new();
    for step in &path.steps {
        let at = if step.line > 0 {
            format!("line {}", step.line)
        } else {
            "policy".to_owned()
        };
        summary.push(format!("{} {at}: {}", step.place, step.what));
        if let Some(range) = step_range(doc, step) {
            if range != diagnostic.range {
                diagnostic = diagnostic.with_secondary(
                    doc.file,
                    range,
                    format!("{}: {}", step.place, step.what),
                );
            }
        }
    }
    if !summary.is_empty() {
        diagnostic = diagnostic.with_note(format!("path: {}", summary.join(" → ")));
    }
    diagnostic
}

/// Whether a file reads cleanly enough to evaluate.
pub fn readable(doc: &IptablesDoc) -> bool {
    !doc.rules
        .problems
        .iter()
        .any(|p| p.kind == gblint_iptables::ProblemKind::Syntax)
}
