//! LXD rules (`LXD`): instance configuration as LXD reads it, and the operations guide's
//! rules for the tenant's instances.

/// LXD005: the CI runner shares a disk with another instance.
pub mod ci_shares_disk;
/// LXD006: an internal-only instance listens on a public address.
pub mod internal_role_listens_publicly;
/// LXD001: config keys and device options LXD refuses.
pub mod invalid_instance_config;
/// LXD004: a proxy device of the baseline is gone.
pub mod proxy_device_removed;
/// LXD003: a role's public port has no proxy device.
pub mod public_proxy_device_missing;
/// LXD000: files LXD cannot read as an instance.
pub mod syntax_error;
/// LXD002: the system instance is not privileged.
pub mod system_not_privileged;

use std::net::IpAddr;

use gblint_diagnostics::{Diagnostic, TextRange};
use gblint_lxd::{Device, Instance, ProxyAddress, Shape};

use crate::context::Context;
use crate::deployment::LxdDoc;

/// The devices in force on an instance: the expanded ones (profiles applied) when the file has
/// them, each taken from the instance's own `devices:` when it is written there too, so that
/// findings point at what the instance itself sets.
pub fn devices_in_force(instance: &Instance) -> Vec<&Device> {
    let own = instance
        .devices
        .as_ref()
        .map(|s| s.items.as_slice())
        .unwrap_or_default();
    match &instance.expanded_devices {
        Some(expanded) => expanded
            .items
            .iter()
            .map(|device| own.iter().find(|d| d.name == device.name).unwrap_or(device))
            .collect(),
        None => own.iter().collect(),
    }
}

/// Whether gblint can judge the instance: the file was read without a problem.
pub fn readable(doc: &LxdDoc) -> bool {
    doc.instance.syntax.is_empty()
}

/// A proxy device's `listen` when it listens on the host (`bind` is `host` or not set) on a
/// TCP or UDP address reachable from outside: every address (`0.0.0.0`, `::`, empty) or a
/// public one. Loopback, private and link-local addresses are not.
pub fn public_listen(device: &Device) -> Option<ProxyAddress> {
    if device.kind() != "proxy" {
        return None;
    }
    let bind = device.get("bind").map_or("", |e| e.value.as_str());
    if !matches!(bind, "" | "host") {
        return None;
    }
    let listen = gblint_lxd::parse_proxy_address(&device.get("listen")?.value).ok()?;
    if listen.protocol == "unix" {
        return None;
    }
    let public = match listen.address.parse::<IpAddr>() {
        Err(_) => listen.address.is_empty(),
        Ok(ip) if ip.is_unspecified() => true,
        Ok(IpAddr::V4(ip)) => {
            let shared = ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64; // 100.64.0.0/10
            !(ip.is_loopback() || ip.is_private() || ip.is_link_local() || shared)
        }
        Ok(IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            // ::1, fc00::/7 (unique local) and fe80::/10 (link local).
            !(ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
        }
    };
    public.then_some(listen)
}

/// Report LXD findings once per instance. A tree may hold both LXD's `backup.yaml` of an
/// instance and its export (`/etc/gblint/lxd/NAME.yaml`, docs/lxd.md): both are checked, and
/// a finding both files give (same rule, same message) is reported once, on the export — the
/// file a fix is made in and applied from (`lxc config edit NAME < FILE`); LXD rewrites its
/// `backup.yaml` itself. A finding only one of them gives is reported on that file, with a
/// label on the other saying that the two differ there: the export has not been applied, or
/// the instance changed after it was taken.
///
/// `found` holds each finding with the index of its file in `ctx.deployment.lxd`.
pub fn report_once(ctx: &Context<'_>, found: Vec<(usize, Diagnostic)>, out: &mut Vec<Diagnostic>) {
    let docs = &ctx.deployment.lxd;
    let same_instance = |a: &LxdDoc, b: &LxdDoc| {
        a.name == b.name
            && ctx.deployment.files[a.input].machine == ctx.deployment.files[b.input].machine
    };
    let twin_of = |finding: &(usize, Diagnostic), other: &(usize, Diagnostic)| {
        finding.0 != other.0
            && same_instance(&docs[finding.0], &docs[other.0])
            && finding.1.code == other.1.code
            && finding.1.message == other.1.message
    };
    for (index, (doc_index, diagnostic)) in found.iter().enumerate() {
        let doc = &docs[*doc_index];
        let twins: Vec<usize> = (0..docs.len())
            .filter(|other| *other != *doc_index && same_instance(doc, &docs[*other]))
            .collect();
        if twins.is_empty() {
            out.push(diagnostic.clone());
            continue;
        }
        let is_export = |i: usize| docs[i].instance.shape == Shape::Export;
        // Which file reports a finding several give: the first export, else the first file.
        let reporter = |holders: &[usize]| {
            holders
                .iter()
                .copied()
                .find(|i| is_export(*i))
                .or_else(|| holders.iter().copied().min())
        };
        let same: Vec<&(usize, Diagnostic)> = found
            .iter()
            .filter(|other| twin_of(&found[index], other))
            .collect();
        let mut holders: Vec<usize> = same.iter().map(|(i, _)| *i).collect();
        holders.push(*doc_index);
        holders.sort_unstable();
        if reporter(&holders) != Some(*doc_index) {
            continue;
        }
        let mut diagnostic = diagnostic.clone();
        for twin in twins {
            let other = &docs[twin];
            let kind = kind_of(other);
            match same.iter().find(|(i, _)| *i == twin) {
                Some((_, theirs)) => {
                    diagnostic = diagnostic.with_secondary(
                        other.file,
                        theirs.range,
                        format!("the same in {kind} (reported once, here)"),
                    );
                }
                None => {
                    let range = other.instance.anchor;
                    diagnostic = diagnostic.with_secondary(
                        other.file,
                        TextRange::empty(range.start()),
                        format!(
                            "{kind} of {} differs: it does not have this (the export is not applied, or the instance changed after it was taken)",
                            doc.name
                        ),
                    );
                }
            }
        }
        out.push(diagnostic);
    }
}

/// How a finding's label names an instance file.
fn kind_of(doc: &LxdDoc) -> &'static str {
    match doc.instance.shape {
        Shape::Export => "the export",
        Shape::Backup => "LXD's backup.yaml",
    }
}
