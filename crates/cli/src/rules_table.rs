//! `gblint rules`.

use std::io::Write;
use std::process::ExitCode;

use gblint::unstable::lint::registry;
use serde_json::json;

use crate::args::{RulesArgs, RulesFormat};

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.json || args.output_format == RulesFormat::Json {
        let rules: Vec<_> = registry::all()
            .iter()
            .map(|rule| {
                let meta = rule.meta();
                json!({
                    "code": meta.code,
                    "name": meta.name,
                    "severity": meta.default_severity,
                    "category": meta.category,
                    "fix": meta.fix.key(),
                    "enabled_by_default": meta.enabled_by_default,
                    "suppressible_inline": meta.suppressible_inline,
                    "format": meta.format.map(|f| f.name()),
                    "summary": meta.summary(),
                    "doc": meta.doc_text(),
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
    for rule in registry::all() {
        let meta = rule.meta();
        let mut severity = meta.default_severity.to_string();
        if !meta.enabled_by_default {
            severity = "off".to_owned();
        }
        writeln!(
            out,
            "{:<7} {:<26} {:<8} {:<12} {:<16} {}",
            meta.code,
            meta.name,
            severity,
            meta.category.as_str(),
            meta.fix.label(),
            meta.summary()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
