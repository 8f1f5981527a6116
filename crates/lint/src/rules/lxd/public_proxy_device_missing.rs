use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

/// The public ports each role serves through proxy devices (the operations guide's list).
pub const PUBLIC_PORTS: &[(&str, &[(&str, u64)])] = &[
    ("proxy", &[("tcp", 80), ("tcp", 443)]),
    (
        "email",
        &[
            ("tcp", 25),
            ("tcp", 465),
            ("tcp", 587),
            ("tcp", 993),
            ("tcp", 995),
            ("tcp", 143),
            ("tcp", 110),
            ("tcp", 4190),
        ],
    ),
    ("dns", &[("tcp", 53), ("udp", 53)]),
];

declare_rule! {
    /// ## What it does
    /// Reports a `proxy`, `email` or `dns` instance without a proxy device listening on a
    /// public address for each of its public ports: 80 and 443 (tcp) for the proxy; 25, 465,
    /// 587, 993, 995, 143, 110 and 4190 (tcp) for email; 53 over tcp *and* udp for DNS.
    /// Devices come from the configuration in force (expanded, profiles applied); keep exports
    /// as `lxc config show --expanded`, or a device from a profile is not seen.
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// With LXD proxy devices, the device *is* the port's exposure: remove one and the service
    /// is unreachable from outside while everything inside looks healthy. The operations guide
    /// lists these devices as never to be removed; a lost 443 takes every site down, a lost
    /// udp/53 makes every zone of the tenant unresolvable.
    ///
    /// ## Example
    /// The proxy instance publishes port 80 but not 443:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-proxy.yaml`:
    /// ```yaml
    /// devices:
    ///   port-80:
    ///     type: proxy
    ///     listen: tcp:0.0.0.0:80
    ///     connect: tcp:127.0.0.1:80
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/gblint/lxd/pragmatismo-proxy.yaml`:
    /// ```yaml
    /// devices:
    ///   port-80:
    ///     type: proxy
    ///     listen: tcp:0.0.0.0:80
    ///     connect: tcp:127.0.0.1:80
    ///   port-443:
    ///     type: proxy
    ///     listen: tcp:0.0.0.0:443
    ///     connect: tcp:127.0.0.1:443
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the connect address is the instance's own business. A deployment that exposes
    /// these ports with host DNAT rules instead (the Incus era) should not enable this rule.
    pub struct PublicProxyDeviceMissing {
        code: "LXD003",
        name: "public-proxy-device-missing",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for PublicProxyDeviceMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        for (index, doc) in ctx.deployment.lxd.iter().enumerate() {
            let Some(role) = doc.role.as_deref() else {
                continue;
            };
            let Some((_, ports)) = PUBLIC_PORTS.iter().find(|(r, _)| *r == role) else {
                continue;
            };
            if !super::readable(doc) {
                continue;
            }
            let listens: Vec<_> = super::devices_in_force(&doc.instance)
                .into_iter()
                .filter_map(super::public_listen)
                .collect();
            let missing: Vec<String> = ports
                .iter()
                .filter(|(protocol, port)| {
                    !listens
                        .iter()
                        .any(|l| l.protocol == *protocol && l.ports.contains(port))
                })
                .map(|(protocol, port)| format!("{protocol}/{port}"))
                .collect();
            if missing.is_empty() {
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
                            "{} ({role}) has no proxy device listening publicly on {}",
                            doc.name,
                            missing.join(", ")
                        ),
                    )
                    .with_label("public ports missing here")
                    .with_note("with LXD proxy devices, a port without its device is closed to the world")
                    .with_help(format!(
                        "add them back, e.g. `lxc config device add {} port-{} proxy listen={}:0.0.0.0:{} connect={}:127.0.0.1:{}`",
                        doc.name,
                        ports_first(&missing).1,
                        ports_first(&missing).0,
                        ports_first(&missing).1,
                        ports_first(&missing).0,
                        ports_first(&missing).1
                    )),
            ));
        }
        super::report_once(ctx, found, out);
    }
}

/// Protocol and port of the first missing `proto/port`.
fn ports_first(missing: &[String]) -> (String, String) {
    let first = missing.first().map(String::as_str).unwrap_or("tcp/0");
    let (protocol, port) = first.split_once('/').unwrap_or(("tcp", "0"));
    (protocol.to_owned(), port.to_owned())
}
