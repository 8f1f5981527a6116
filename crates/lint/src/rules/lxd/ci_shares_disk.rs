use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::deployment::LxdDoc;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a disk device of the `<tenant>-alm-ci` instance whose host `source` is shared
    /// with another instance: the same folder (or one inside the other) as a disk of another
    /// instance in the deployment, a folder inside another instance's LXD storage
    /// (`…/storage-pools/<pool>/containers/<name>/`), or the host data folder of another role
    /// (`/opt/gbo/tenants/<tenant>/<role>/…`).
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// The operations guide forbids cross-container mounts on the CI runner: a job that
    /// writes into another instance's folders replaces a running binary under it (the bot
    /// server crashes, or the copy fails with "Text file busy"), and any workflow — from any
    /// branch — gets write access to production data. Deploy over SSH to the target instance
    /// instead.
    ///
    /// ## Example
    /// The CI runner mounts the system container's `bin` folder:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-alm-ci.yaml`:
    /// ```yaml
    /// devices:
    ///   system-bin:
    ///     type: disk
    ///     source: /opt/gbo/tenants/pragmatismo/system/bin
    ///     path: /opt/gbo/refs/system/bin
    /// ```
    ///
    /// ## Use instead
    /// Remove the device; copy artefacts with `scp` to the system instance after stopping the
    /// service there.
    ///
    /// ## Fix safety
    /// No fix.
    pub struct CiSharesDisk {
        code: "LXD005",
        name: "ci-shares-disk",
        severity: Error,
        category: Security,
        fix: None,
        kind: Some(FileKind::Lxd),
    }
}

/// A host folder, without trailing slashes.
fn folder(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/"
    } else {
        trimmed
    }
}

/// Whether `a` and `b` are the same folder or one holds the other.
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (folder(a), folder(b));
    let inside = |x: &str, y: &str| y == "/" || x == y || x.starts_with(&format!("{y}/"));
    inside(a, b) || inside(b, a)
}

/// The disk sources of an instance: (device name, source, its value range).
fn disk_sources(doc: &LxdDoc) -> Vec<(&str, &gblint_lxd::Entry)> {
    super::devices_in_force(&doc.instance)
        .into_iter()
        .filter(|device| device.kind() == "disk")
        .filter_map(|device| {
            let source = device.get("source")?;
            // Only host paths: a pool volume (`pool` set) or a ceph source is not a folder.
            let host_path = source.value.starts_with('/') && device.get("pool").is_none();
            host_path.then_some((device.name.as_str(), source))
        })
        .collect()
}

/// Why `source` belongs to another instance, if it does.
fn owner(source: &str, doc: &LxdDoc, others: &[&LxdDoc]) -> Option<String> {
    for other in others {
        for (device, theirs) in disk_sources(other) {
            if overlaps(source, &theirs.value) {
                return Some(format!(
                    "{} mounts {} too (device \"{device}\")",
                    other.name, theirs.value
                ));
            }
        }
    }
    let parts: Vec<&str> = source.split('/').filter(|p| !p.is_empty()).collect();
    for (at, window) in parts.windows(4).enumerate() {
        if window[0] == "storage-pools"
            && matches!(window[2], "containers" | "virtual-machines")
            && window[3] != doc.name
            && at > 0
            && parts[at - 1] == "lxd"
        {
            return Some(format!("it is inside {}'s LXD storage", window[3]));
        }
    }
    if let (Some(tenant), ["opt", "gbo", "tenants", t, role, ..]) =
        (doc.tenant.as_deref(), parts.as_slice())
    {
        if *t == tenant && Some(*role) != doc.role.as_deref() {
            return Some(format!("it is the host data of {tenant}-{role}"));
        }
    }
    None
}

impl Rule for CiSharesDisk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let lxd = &ctx.deployment.lxd;
        let mut found = Vec::new();
        for (index, doc) in lxd.iter().enumerate() {
            if doc.role.as_deref() != Some("alm-ci") || !super::readable(doc) {
                continue;
            }
            let others: Vec<&LxdDoc> = lxd
                .iter()
                .filter(|o| o.name != doc.name && super::readable(o))
                .collect();
            for (device, source) in disk_sources(doc) {
                let Some(why) = owner(&source.value, doc, &others) else {
                    continue;
                };
                found.push((
                    index,
                    Self::META
                        .diagnostic(
                            doc.file,
                            source.value_range,
                            format!(
                                "{}'s disk \"{device}\" mounts {}, shared with another instance: {why}",
                                doc.name, source.value
                            ),
                        )
                        .with_label("shared with another instance")
                        .with_help("remove the device and deploy over SSH to the target instance"),
                ));
            }
        }
        super::report_once(ctx, found, out);
    }
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn folders_overlap_when_one_holds_the_other() {
        assert!(overlaps("/opt/gbo/x", "/opt/gbo/x/"));
        assert!(overlaps("/opt/gbo/x/bin", "/opt/gbo/x"));
        assert!(overlaps("/opt/gbo/x", "/opt/gbo/x/bin"));
        assert!(!overlaps("/opt/gbo/x", "/opt/gbo/xy"));
    }
}
