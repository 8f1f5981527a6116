use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{display_file_path, display_path, RuleInfo};
use crate::{Diagnostic, Severity, SourceMap};

/// Identity of the tool written into the SARIF `driver` object.
#[derive(Clone, Copy)]
pub struct SarifTool<'a> {
    /// Tool version.
    pub version: &'a str,
    /// Where the tool's documentation lives.
    pub information_uri: &'a str,
    /// Where each rule's documentation lives (the rules table; `gblint explain CODE` prints it).
    pub rules_uri: &'a str,
    /// The folder the run was anchored at (canonical), for fingerprints that do not depend on
    /// the directory gblint was started from.
    pub anchor: Option<&'a std::path::Path>,
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
                "fullDescription": {"text": plain_text(&rule.doc), "markdown": rule.doc},
                "help": {"text": plain_text(&rule.doc), "markdown": rule.doc},
                "helpUri": tool.rules_uri,
                "defaultConfiguration": {"level": level(rule.default_severity)},
                "properties": {
                    "tags": [prefix_tag(rule.code), rule.category.as_str()],
                    "category": rule.category.as_str(),
                },
            })
        })
        .collect();

    let prints = super::fingerprints(diagnostics, sources, tool.anchor);
    let results: Vec<Value> = diagnostics
        .iter()
        .zip(&prints)
        .map(|(diagnostic, fingerprint)| {
            let file = sources.get(diagnostic.file);
            let start = file.line_col(diagnostic.range.start());
            let end = file.line_col(diagnostic.range.end());
            let path = display_path(sources, diagnostic);
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
            let related: Vec<Value> = diagnostic
                .labels
                .iter()
                .enumerate()
                .map(|(id, label)| {
                    let other = sources.get(label.file);
                    let at = other.line_col(label.range.start());
                    let to = other.line_col(label.range.end());
                    json!({
                        "id": id,
                        "message": {"text": label.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri_encode(&display_file_path(other.path()))},
                            "region": {
                                "startLine": at.line,
                                "startColumn": at.column,
                                "endLine": to.line,
                                "endColumn": to.column,
                            }
                        }
                    })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if let Some(fix) = &diagnostic.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        let at = file.line_col(edit.range.start());
                        let to = file.line_col(edit.range.end());
                        json!({
                            "deletedRegion": {
                                "startLine": at.line,
                                "startColumn": at.column,
                                "endLine": to.line,
                                "endColumn": to.column,
                            },
                            "insertedContent": {"text": edit.content},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": format!("{} ({})", fix.title, fix.applicability.as_str())},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri_encode(&path)},
                        "replacements": replacements,
                    }],
                }]);
            }
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

/// Markdown documentation as plain text for SARIF's `text` fields: code-span backticks and bold
/// markers removed, `[text](url)` links read as `text`; everything inside code spans is kept.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_code = false;
    let mut open_bracket: Option<usize> = None;
    let mut chars = markdown.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '`' => in_code = !in_code,
            _ if in_code => out.push(ch),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '[' => {
                open_bracket = Some(out.len());
                out.push(ch);
            }
            ']' if chars.peek() == Some(&'(') && open_bracket.is_some() => {
                if let Some(at) = open_bracket.take() {
                    out.remove(at);
                }
                for next in chars.by_ref() {
                    if next == ')' {
                        break;
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
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
        Some("CRN") => "cron",
        Some("SSH") => "ssh",
        Some("WFL") => "workflow",
        Some("LXD") => "lxd",
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

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn plain_text_keeps_words_and_code() {
        assert_eq!(
            plain_text("Use **`storage *.conf`** in [Service] (see [docs](https://x.y/z))."),
            "Use storage *.conf in [Service] (see docs)."
        );
    }
}
