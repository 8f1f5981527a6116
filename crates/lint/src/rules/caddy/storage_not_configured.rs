use gblint_diagnostics::{Category, Diagnostic, Edit, Fix};

use super::{storage, Storage, GUIDE_STORAGE_ROOT};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that a Caddyfile serving sites sets a global `storage file_system` root, in
    /// either form: `storage file_system /path` or a `storage file_system { root /path }`
    /// block. Other storage modules (redis, s3, …) also count, since they keep certificates
    /// outside the container.
    ///
    /// ## Why is this bad
    /// Without it Caddy keeps certificates and ACME accounts under `$XDG_DATA_HOME` or
    /// `$HOME`, which in the proxy container is not on the persistent data mount: every
    /// rebuild or restart re-issues every certificate, and Let's Encrypt rate limits
    /// (50 per domain per week) turn that into an outage. The operations guide's first rule:
    /// "Caddy storage must be explicitly set".
    ///
    /// ## Example
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// {
    /// 	storage file_system {
    /// 		root /opt/gbo/data/caddy
    /// 	}
    /// }
    ///
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts the block with `[caddy] storage-root` from `gblint.toml`; that fix is
    /// safe. Without that setting it uses the guide's `/opt/gbo/data/caddy`, which is only
    /// right for a General Bots proxy, so the fix is unsafe (`--fix --unsafe`).
    pub struct StorageNotConfigured {
        code: "CDY001",
        name: "storage-not-configured",
        severity: Error,
        category: Correctness,
        fix: Sometimes,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for StorageNotConfigured {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let caddyfile = &doc.caddyfile;
            let model = &caddyfile.model;
            if model.sites.is_empty() {
                continue;
            }
            let configured_root = ctx.settings.caddy.storage_root.as_deref();
            let root_value = configured_root.unwrap_or(GUIDE_STORAGE_ROOT);
            match storage(model.global.as_ref()) {
                Storage::Other(_) => {}
                Storage::FileSystem { root: Some(_), .. } => {}
                Storage::FileSystem {
                    directive,
                    root: None,
                } => {
                    let mut diagnostic = Self::META
                        .diagnostic(directive.file(), directive.range(), "`storage file_system` has no root")
                        .with_label("no root path here")
                        .with_note("Caddy refuses this (`missing root path`), and without a root certificates would not be kept")
                        .with_help(format!("give the root inline (`storage file_system {root_value}`) or in the block (`root {root_value}`)"));
                    // `caddy adapt` refuses the file: this one finding is a load failure.
                    diagnostic.category = Category::Load;
                    // The directive's bytes, through the end of its first line (an empty `{$ROOT}`
                    // leaves no token behind to extend the range).
                    let text = ctx.sources.get(directive.file()).text();
                    let start = directive.range().start() as usize;
                    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
                    let end = line_end.max(directive.range().end() as usize);
                    let unset: Vec<String> = caddyfile
                        .empty_env
                        .iter()
                        .filter(|(file, placeholder)| {
                            *file == directive.file()
                                && placeholder.range.start() as usize >= start
                                && placeholder.range.end() as usize <= end
                        })
                        .map(|(_, placeholder)| format!("`{{${}}}`", placeholder.name))
                        .collect();
                    if !unset.is_empty() {
                        diagnostic = diagnostic.with_help(format!(
                            "{} expanded to nothing where gblint ran; set it as on the machine Caddy runs on",
                            unset.join(", ")
                        ));
                    }
                    out.push(diagnostic);
                }
                Storage::Missing => {
                    let text = ctx.sources.get(caddyfile.file).text();
                    let (file, range, label, fix) = match &model.global {
                        Some(global) => {
                            let brace = &global.open_brace;
                            // Insert after the line that opens the global block, when that line
                            // is in the root file and ends right after the brace. The brace's
                            // offsets are its own file's: an imported global block is never
                            // measured against the root text.
                            let fix = (brace.file() == caddyfile.file)
                                .then(|| {
                                    let after = brace.range().end() as usize;
                                    let line_end = after + text.get(after..)?.find('\n')? + 1;
                                    text[after..line_end].trim().is_empty().then_some(line_end)
                                })
                                .flatten()
                                .map(|at| {
                                    Edit::insertion(
                                        u32::try_from(at).unwrap_or(u32::MAX),
                                        format!(
                                        "\tstorage file_system {{\n\t\troot {root_value}\n\t}}\n"
                                    ),
                                    )
                                });
                            (
                                brace.file(),
                                brace.range(),
                                "the global options block sets no storage",
                                fix,
                            )
                        }
                        None => {
                            let key = model.sites[0]
                                .first_key()
                                .expect("a site has at least one key");
                            let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
                            let fix = Some(Edit::insertion(
                                start,
                                format!("{{\n\tstorage file_system {{\n\t\troot {root_value}\n\t}}\n}}\n\n"),
                            ));
                            (
                                key.file(),
                                key.range(),
                                "no global options block before the first site",
                                fix,
                            )
                        }
                    };
                    let mut diagnostic = Self::META
                        .diagnostic(file, range, "no `storage file_system` root is configured; certificates are lost on restart")
                        .with_label(label)
                        .with_note("without a storage root Caddy keeps certificates in $HOME/$XDG_DATA_HOME, outside the persistent /opt/gbo/data mount")
                        .with_help(format!("add `storage file_system {{ root {root_value} }}` to the global options block"));
                    if let Some(edit) = fix {
                        let title = format!("add `storage file_system` with root {root_value}");
                        diagnostic = diagnostic.with_fix(if configured_root.is_some() {
                            Fix::safe(title, vec![edit])
                        } else {
                            Fix::unsafe_edit(title, vec![edit])
                        });
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
}
