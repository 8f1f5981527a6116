use gblint_diagnostics::{Diagnostic, Edit, Fix};

use super::{storage, Storage};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that the `storage file_system` root equals `[caddy] storage-root` in
    /// `gblint.toml`. Reports nothing when that setting is absent.
    ///
    /// ## Why is this bad
    /// The data mount of the proxy container is fixed (`/opt/gbo/data` in the General Bots
    /// layout). A root elsewhere is inside the container's own file system: certificates
    /// survive a restart but not a rebuild, and backups of the data mount miss them.
    ///
    /// ## Example
    /// With this `gblint.toml`:
    /// ```toml
    /// [caddy]
    /// storage-root = "/opt/gbo/data/caddy"
    /// ```
    /// ```caddyfile
    /// {
    /// 	storage file_system /var/lib/caddy
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [caddy]
    /// storage-root = "/opt/gbo/data/caddy"
    /// ```
    /// ```caddyfile
    /// {
    /// 	storage file_system /opt/gbo/data/caddy
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the path with the configured one. It is unsafe: Caddy then looks for
    /// its certificates in the new place, and existing ones must be moved there by hand.
    pub struct StorageRootMismatch {
        code: "CDY002",
        name: "storage-root-mismatch",
        severity: Warning,
        category: Policy,
        fix: Always,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for StorageRootMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(expected) = ctx.settings.caddy.storage_root.as_deref() else {
            return;
        };
        for doc in &ctx.deployment.caddyfiles {
            if let Storage::FileSystem {
                root: Some(root), ..
            } = storage(doc.caddyfile.model.global.as_ref())
            {
                let actual = root.text.trim_end_matches('/');
                if actual == expected.trim_end_matches('/') {
                    continue;
                }
                out.push(
                    Self::META
                        .diagnostic(root.file(), root.range(), format!("storage root is `{}`, but gblint.toml expects `{expected}`", root.text))
                        .with_label("this root")
                        .with_note("certificates outside the persistent data mount are lost when the container is rebuilt")
                        .with_help(format!("use `{expected}`, or change `[caddy] storage-root` if the layout really moved"))
                        .with_fix(Fix::unsafe_edit(format!("use storage root {expected}"), vec![Edit::replacement(root.range(), expected)])),
                );
            }
        }
    }
}
