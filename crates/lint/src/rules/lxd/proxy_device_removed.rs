use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an LXD instance file that has lost proxy devices it had at the baseline
    /// (`gblint.baseline.json`, written by `gblint baseline`, or the same files at a git
    /// revision with `--baseline-ref REV`), naming each device that disappeared.
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// A proxy device is a port open to the world. The operations guide: the devices for 80,
    /// 443, 25, 465, 587, 993, 995, 143, 110, 4190 and 53 are never removed — and any other
    /// published port that disappears is an outage nobody sees from inside. A restored
    /// backup, a re-created instance or an `lxc config edit` of a stale export drops them
    /// without a word.
    ///
    /// ## Example
    /// The baseline records `port-993` and `port-4190` for `pragmatismo-email`:
    ///
    /// `gblint.baseline.json`:
    /// ```json
    /// {
    ///   "version": 1,
    ///   "facts": {
    ///     "lxd": {
    ///       "host/etc/gblint/lxd/pragmatismo-email.yaml": {
    ///         "proxy_devices": ["port-4190", "port-993"]
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    /// but the file now has no `port-4190`:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-email.yaml`:
    /// ```yaml
    /// devices:
    ///   port-993:
    ///     type: proxy
    ///     listen: tcp:0.0.0.0:993
    ///     connect: tcp:127.0.0.1:993
    /// ```
    ///
    /// ## Use instead
    /// Add the device back. If removing it was intended, record the new state with
    /// `gblint baseline` and commit it with the change, so the removal is reviewed.
    ///
    /// ## Fix safety
    /// No fix. This rule cannot be silenced with an inline comment (a shrunken file would
    /// carry its own suppression); use `--ignore` or the configuration.
    pub struct ProxyDeviceRemoved {
        code: "LXD004",
        name: "proxy-device-removed",
        severity: Error,
        category: Correctness,
        fix: None,
        suppressible: false,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for ProxyDeviceRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(baseline) = ctx.baseline else {
            return;
        };
        let mut found = Vec::new();
        for (index, doc) in ctx.deployment.lxd.iter().enumerate() {
            if !super::readable(doc) {
                continue;
            }
            let Some(facts) = ctx
                .deployment
                .disk_paths
                .get(&doc.file)
                .and_then(|disk| baseline.lxd_facts(disk))
            else {
                continue;
            };
            let now = crate::baseline::proxy_devices(&doc.instance);
            let removed: Vec<&str> = facts
                .proxy_devices
                .difference(&now)
                .map(String::as_str)
                .collect();
            if removed.is_empty() {
                continue;
            }
            let range = doc
                .instance
                .effective_devices()
                .map_or(doc.instance.anchor, |section| section.key_range);
            found.push((
                index,
                Self::META
                    .diagnostic(
                        doc.file,
                        range,
                        format!(
                            "{}: {} proxy device(s) at the baseline ({}) are gone: {}",
                            doc.name,
                            removed.len(),
                            baseline.origin,
                            removed.join(", ")
                        ),
                    )
                    .with_label("proxy devices removed")
                    .with_note("each removed proxy device closes a port to the world")
                    .with_help("add the devices back; if removing them was intended, run `gblint baseline` and commit it with the change"),
            ));
        }
        super::report_once(ctx, found, out);
    }
}
