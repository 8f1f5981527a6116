//! Where the steps of a path through an assembled ufw ruleset are: in which of ufw's files
//! (by [`Step::source`]), or in ufw-init's own commands, whose policies come from
//! `/etc/default/ufw`.

use gblint_diagnostics::{Diagnostic, FileId, TextRange};
use gblint_iptables::eval::{Path, Step};

use super::step_range;
use crate::context::Context;
use crate::deployment::UfwAssembly;

/// The file and range of a step, `None` for ufw-init's own commands.
pub fn locate(
    ctx: &Context<'_>,
    assembly: &UfwAssembly,
    step: &Step,
) -> Option<(FileId, TextRange)> {
    let index = *assembly.files.get((step.source as usize).checked_sub(1)?)?;
    let doc = ctx.deployment.iptables.get(index)?;
    Some((doc.file, step_range(doc, step)?))
}

/// `/etc/default/ufw`'s setting `name` (its value), where a path ended by ufw's own policy.
pub fn policy_setting(
    ctx: &Context<'_>,
    assembly: &UfwAssembly,
    name: &str,
) -> Option<(FileId, TextRange)> {
    let doc = ctx.deployment.ufw.get(assembly.defaults)?;
    let setting = doc.assignments.iter().rev().find(|a| a.name == name)?;
    Some((doc.file, setting.value_range))
}

/// Where to put the finding: the deciding (last) step when it is in one of ufw's files; the
/// policy setting of `/etc/default/ufw` when ufw-init's own rules decided (its policies, its
/// skip-to-policy and tracking chains); else the last step in a file.
pub fn primary(
    ctx: &Context<'_>,
    assembly: &UfwAssembly,
    path: &Path,
    setting: &str,
) -> Option<(FileId, TextRange)> {
    let last = path.steps.last();
    if let Some(at) = last.and_then(|s| locate(ctx, assembly, s)) {
        return Some(at);
    }
    if last.is_none_or(|s| s.source == 0) {
        if let Some(at) = policy_setting(ctx, assembly, setting) {
            return Some(at);
        }
    }
    path.steps
        .iter()
        .rev()
        .find_map(|s| locate(ctx, assembly, s))
}

/// The path's steps as labels and a one-line note, each step named by its file.
pub fn with_path(
    mut diagnostic: Diagnostic,
    ctx: &Context<'_>,
    assembly: &UfwAssembly,
    path: &Path,
) -> Diagnostic {
    let mut summary = Vec::new();
    for step in &path.steps {
        let file = (step.source as usize)
            .checked_sub(1)
            .and_then(|i| assembly.files.get(i))
            .and_then(|&i| ctx.deployment.iptables.get(i))
            .map(|doc| {
                let path = ctx
                    .sources
                    .get(doc.file)
                    .path()
                    .to_string_lossy()
                    .to_string();
                path.rsplit('/').next().unwrap_or_default().to_owned()
            });
        let at = match (&file, step.line) {
            (Some(name), line) if line > 0 => format!("{name} line {line}"),
            _ => "ufw-init".to_owned(),
        };
        summary.push(format!("{} {at}: {}", step.place, step.what));
        if let Some((file, range)) = locate(ctx, assembly, step) {
            if range != diagnostic.range || file != diagnostic.file {
                diagnostic = diagnostic.with_secondary(
                    file,
                    range,
                    format!("{}: {}", step.place, step.what),
                );
            }
        }
    }
    if !summary.is_empty() {
        diagnostic = diagnostic.with_note(format!(
            "path through ufw's ruleset: {}",
            summary.join(" → ")
        ));
    }
    diagnostic
}
