use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{display_path, fnv1a, RuleInfo};
use crate::{Diagnostic, Severity, SourceMap};

/// Identity of the tool written into the SARIF `driver` object.
#[derive(Clone, Copy)]
pub struct SarifTool<'a> {
    /// Tool version.
    pub version: &'a str,
    /// Where the tool's documentation lives.
    pub information_uri: &'a str,
}

/// A SARIF 2.1.0 log with one run. Rule ids are the stable codes; each result carries a
/// `partialFingerprints` entry computed from the code, the file, the trimmed source line and the
/// message (not the line number), so code scanning keeps tracking a finding when lines move.
pub fn sarif(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    rules: &[RuleInfo],
    tool: &SarifTool<'_>,
) -> io::Result<()> {
    let rule_index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(index, rule)| (rule.code, index))
        .collect();
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": level(rule.default_severity)},
                "properties": {
                    "tags": [prefix_tag(rule.code), rule.category.as_str()],
                    "category": rule.category.as_str(),
                },
            })
        })
        .collect();

    let mut seen: HashMap<u64, u32> = HashMap::new();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = sources.get(diagnostic.file);
            let start = file.line_col(diagnostic.range.start());
            let end = file.line_col(diagnostic.range.end());
            let path = display_path(sources, diagnostic);
            let line_index = file.line_index();
            let line_text = file.slice(
                line_index.line_range(line_index.line_of(diagnostic.range.start()), file.text()),
            );
            let base = fnv1a(&[
                diagnostic.code,
                &path,
                line_text.trim(),
                &diagnostic.message,
            ]);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{base:016x}:{occurrence}");
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": level(diagnostic.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_encode(&path)},
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        }
                    }
                }],
                "partialFingerprints": {"gblint/v1": fingerprint},
                "properties": {"category": diagnostic.category.as_str()},
            });
            if let Some(index) = rule_index.get(diagnostic.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();

    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gblint",
                "version": tool.version,
                "informationUri": tool.information_uri,
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn prefix_tag(code: &str) -> &'static str {
    match code.get(..3) {
        Some("CDY") => "caddyfile",
        Some("DNS") => "coredns",
        Some("IPT") => "iptables",
        Some("F2B") => "fail2ban",
        Some("SYD") => "systemd",
        Some("UFW") => "ufw",
        _ => "deployment",
    }
}

/// Percent-encode a relative path so it is a valid URI reference (RFC 3986), keeping `/`.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
