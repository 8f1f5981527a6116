//! Code actions (the findings' fixes, and "ignore this finding") and hover (`gblint explain`).

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, MarkupContent,
    MarkupKind, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::text::LineIndex;
use crate::{Diagnostic, FixApplicability};

/// The actions for the findings of `diagnostics` (those of the file `uri`, whose text is
/// `text`) that touch `range`.
pub(crate) fn code_actions(
    uri: &Uri,
    path: &Path,
    text: &str,
    diagnostics: &[Diagnostic],
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let mut actions = Vec::new();
    for diagnostic in diagnostics {
        let found = index.range(diagnostic.span.start, diagnostic.span.end);
        if found.end < range.start || range.end < found.start {
            continue;
        }
        let lsp = convert::to_lsp(diagnostic, text, &mut |_, _, _| None);
        if let Some(fix) = &diagnostic.fix {
            if fix.applicability != FixApplicability::DisplayOnly {
                let safe = fix.applicability == FixApplicability::Safe;
                let edits = fix
                    .edits
                    .iter()
                    .map(|edit| TextEdit {
                        range: index.range(edit.span.start, edit.span.end),
                        new_text: edit.content.clone(),
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: if safe {
                        format!("{}: {}", diagnostic.code, fix.message)
                    } else {
                        format!(
                            "{}: {} (unsafe: may change behaviour)",
                            diagnostic.code, fix.message
                        )
                    },
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp.clone()]),
                    edit: Some(workspace_edit(uri, edits)),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
        }
        if let Some(edit) = ignore_edit(path, text, diagnostic) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Ignore {} here (gblint: ignore comment)", diagnostic.code),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp]),
                edit: Some(workspace_edit(uri, vec![edit])),
                is_preferred: Some(false),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The reason gblint requires in a suppression, left for the person to write.
pub(crate) const REASON_PLACEHOLDER: &str = "REASON: why this finding does not apply here";

/// A `# gblint: ignore[CODE] reason` line above the finding's line, indented like it, with
/// the comment marker of the file's format; `None` for rules that cannot be suppressed inline.
fn ignore_edit(path: &Path, text: &str, diagnostic: &Diagnostic) -> Option<TextEdit> {
    let rule = gblint_lint::registry::by_code(&diagnostic.code)?;
    if !rule.meta().suppressible_inline || !rule.meta().can_disable {
        return None;
    }
    let kind = gblint_lint::file_kind::detect_by_path(path, None, None)
        .or_else(|| gblint_lint::file_kind::sniff(text));
    let marker = if kind == Some(gblint_lint::FileKind::Zone) {
        ";"
    } else {
        "#"
    };
    let index = LineIndex::new(text);
    let line = index.position(diagnostic.span.start).line;
    let current = index.line(line);
    let indent: String = current
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Some(TextEdit {
        range: Range::new(Position::new(line, 0), Position::new(line, 0)),
        new_text: format!(
            "{indent}{marker} gblint: ignore[{}] {REASON_PLACEHOLDER}\n",
            diagnostic.code
        ),
    })
}

/// What `gblint explain CODE` prints, as Markdown.
fn explain(code: &str) -> Option<String> {
    crate::rule(code).map(|rule| rule.explain())
}

/// Hover at `position`: the rule of a finding there, or of a code named in a
/// `gblint: ignore[…]` comment on that line.
pub(crate) fn hover(text: &str, diagnostics: &[Diagnostic], position: Position) -> Option<Hover> {
    let index = LineIndex::new(text);
    let line = index.line(position.line);
    let mut codes: Vec<String> = Vec::new();
    if let Some(at) = line.find("gblint: ignore") {
        let rest = &line[at..];
        if let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) {
            if open < close {
                codes.extend(
                    rest[open + 1..close]
                        .split(',')
                        .map(|code| code.trim().to_ascii_uppercase())
                        .filter(|code| !code.is_empty()),
                );
            }
        }
    }
    if codes.is_empty() {
        let offset = index.offset(position);
        for diagnostic in diagnostics {
            let (start, end) = (diagnostic.span.start as usize, diagnostic.span.end as usize);
            let here = (start..=end.max(start)).contains(&offset);
            if here && !codes.contains(&diagnostic.code) {
                codes.push(diagnostic.code.clone());
            }
        }
    }
    let texts: Vec<String> = codes.iter().filter_map(|code| explain(code)).collect();
    if texts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: texts.join("\n\n---\n\n"),
        }),
        range: None,
    })
}
