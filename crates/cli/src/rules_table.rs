//! `gblint rules`.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use crate::args::{RulesArgs, RulesFormat};

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.json || args.output_format == RulesFormat::Json {
        let rules: Vec<_> = gblint::rules()
            .into_iter()
            .map(|rule| {
                json!({
                    "code": rule.code,
                    "name": rule.name,
                    "severity": rule.default_severity,
                    "category": rule.category,
                    "fix": rule.fix,
                    "enabled_by_default": rule.enabled_by_default,
                    "suppressible_inline": rule.suppressible_inline,
                    "kind": rule.kind,
                    "summary": rule.summary,
                    "doc": rule.doc,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rules)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<7} {:<26} {:<8} {:<12} {:<16} summary",
        "code", "name", "severity", "category", "fix"
    )?;
    for rule in gblint::rules() {
        let mut severity = rule.default_severity.to_string();
        if !rule.enabled_by_default {
            severity = "off".to_owned();
        }
        writeln!(
            out,
            "{:<7} {:<26} {:<8} {:<12} {:<16} {}",
            rule.code,
            rule.name,
            severity,
            rule.category.as_str(),
            rule.fix_label(),
            rule.summary
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
