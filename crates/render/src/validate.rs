//! Checks on a parsed inventory that serde cannot express: names that become paths, values
//! that become config syntax, and references between tables (a vhost's role must be a
//! machine with an IP). The first problem is returned as `file:line:col: message`, pointing
//! at the value in the TOML.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use toml::Spanned;

use crate::error::RenderError;
use crate::inventory::{Inventory, Service};
use crate::names::{
    is_absolute_name, is_comment, is_hostname, is_line, is_owner, is_safe_abs_path, is_segment,
    is_word,
};

/// Where errors point.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    /// An error at `span` (or naming the default when the value was not written).
    fn error(&self, span: std::ops::Range<usize>, message: String) -> RenderError {
        if span.is_empty() {
            return RenderError::Inventory(format!("{}: {message} (default value)", self.file));
        }
        let (line, col) = line_col(self.text, span.start);
        RenderError::Inventory(format!("{}:{line}:{col}: {message}", self.file))
    }

    fn require<T>(
        &self,
        ok: bool,
        value: &Spanned<T>,
        message: impl FnOnce() -> String,
    ) -> Result<(), RenderError> {
        if ok {
            Ok(())
        } else {
            Err(self.error(value.span(), message()))
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Validate `inventory`, read from `file` whose text is `text`.
pub fn validate(inventory: &Inventory, file: &str, text: &str) -> Result<(), RenderError> {
    let src = Source { file, text };
    let tenant = &inventory.tenant;
    src.require(is_segment(tenant.get_ref()) && tenant.get_ref() != "host", tenant, || {
        format!(
            "tenant name `{}` cannot name a folder: use lowercase letters, digits and `-` (no `/`, `..` or `host`)",
            tenant.get_ref()
        )
    })?;
    src.require(
        crate::stamp::parse(inventory.generated_at.get_ref()).is_some(),
        &inventory.generated_at,
        || "generated_at must be a local date and time like \"2026-11-26T10:00:00\"".to_owned(),
    )?;
    host(&src, inventory)?;
    for net in &inventory.network.internal {
        src.require(net.get_ref().parse::<ipnet::IpNet>().is_ok(), net, || {
            format!("`{}` is not a network in CIDR form", net.get_ref())
        })?;
    }
    for (role, machine) in &inventory.machines {
        src.require(is_segment(role.get_ref()) && role.get_ref() != "host", role, || {
            format!(
                "machine role `{}` cannot name a folder: use lowercase letters, digits and `-` (no `/`, `..` or `host`)",
                role.get_ref()
            )
        })?;
        if let Some(ip) = &machine.ip {
            src.require(ip.get_ref().parse::<Ipv4Addr>().is_ok(), ip, || {
                format!("`{}` is not an IPv4 address", ip.get_ref())
            })?;
        }
    }
    domains(&src, inventory)?;
    for (name, service) in &inventory.services {
        src.require(is_segment(name.get_ref()), name, || {
            format!(
                "service name `{}` cannot name a unit file: use lowercase letters, digits, `-`, `_` and `.` (no `/` or `..`)",
                name.get_ref()
            )
        })?;
        self::service(&src, inventory, service)?;
    }
    caddy(&src, inventory)?;
    coredns(&src, inventory)?;
    mail_jails(&src, inventory)?;
    for (key, repo) in &inventory.code_repos {
        crate::code_repo::plan(inventory, key, repo)
            .map_err(|(span, message)| src.error(span, message))?;
    }
    Ok(())
}

/// The email container's jails: names that are sections, each once, `port` values that are
/// one word each, and Stalwart's log an absolute path.
fn mail_jails(src: &Source<'_>, inventory: &Inventory) -> Result<(), RenderError> {
    let f2b = &inventory.email.fail2ban;
    require_word(src, &f2b.backend, "fail2ban value")?;
    require_path(src, &f2b.logpath, "stalwart log path")?;
    jails(src, &f2b.jails)
}

fn jails(src: &Source<'_>, jails: &[crate::inventory::Jail]) -> Result<(), RenderError> {
    let mut seen = BTreeSet::new();
    for jail in jails {
        src.require(is_segment(jail.name.get_ref()), &jail.name, || {
            format!("`{}` is not a jail name", jail.name.get_ref())
        })?;
        src.require(seen.insert(jail.name.get_ref().clone()), &jail.name, || {
            format!("jail `{}` is listed twice", jail.name.get_ref())
        })?;
        for port in &jail.port {
            require_word(src, port, "jail port")?;
            src.require(!port.get_ref().contains(','), port, || {
                format!(
                    "jail port `{}` holds a `,`: list each port on its own",
                    port.get_ref()
                )
            })?;
        }
        require_comment(src, jail.comment.as_ref())?;
    }
    Ok(())
}

fn require_role(
    src: &Source<'_>,
    inventory: &Inventory,
    role: &Spanned<String>,
    what: &str,
) -> Result<(), RenderError> {
    src.require(
        inventory.machines.contains_key(role.get_ref().as_str()),
        role,
        || {
            let known: Vec<&str> = inventory
                .machines
                .keys()
                .map(|k| k.get_ref().as_str())
                .collect();
            let hint = gblint_lint::settings::did_you_mean(role.get_ref(), known.iter().copied());
            if hint.is_empty() {
                format!(
                    "{what} `{}` is not a machine of the inventory (machines: {})",
                    role.get_ref(),
                    known.join(", ")
                )
            } else {
                format!(
                    "{what} `{}` is not a machine of the inventory{hint}",
                    role.get_ref()
                )
            }
        },
    )
}

fn require_path(src: &Source<'_>, path: &Spanned<String>, what: &str) -> Result<(), RenderError> {
    src.require(is_safe_abs_path(path.get_ref()), path, || {
        format!(
            "{what} `{}` must be an absolute path of plain segments (no `..`, spaces or quotes)",
            path.get_ref()
        )
    })
}

fn require_comment(src: &Source<'_>, comment: Option<&Spanned<String>>) -> Result<(), RenderError> {
    match comment {
        Some(c) => src.require(is_comment(c.get_ref()), c, || {
            "comments cannot hold control characters".to_owned()
        }),
        None => Ok(()),
    }
}

fn require_word(src: &Source<'_>, value: &Spanned<String>, what: &str) -> Result<(), RenderError> {
    src.require(is_word(value.get_ref()), value, || {
        format!(
            "{what} `{}` must be one word without quotes, braces, `#` or `;`",
            value.get_ref()
        )
    })
}

fn host(src: &Source<'_>, inventory: &Inventory) -> Result<(), RenderError> {
    let host = &inventory.host;
    src.require(
        host.public_ipv4.get_ref().parse::<Ipv4Addr>().is_ok(),
        &host.public_ipv4,
        || format!("`{}` is not an IPv4 address", host.public_ipv4.get_ref()),
    )?;
    src.require(
        host.bridge_cidr.get_ref().parse::<ipnet::Ipv4Net>().is_ok(),
        &host.bridge_cidr,
        || {
            format!(
                "`{}` is not an IPv4 network in CIDR form",
                host.bridge_cidr.get_ref()
            )
        },
    )?;
    src.require(
        is_segment(&host.bridge.get_ref().to_lowercase()),
        &host.bridge,
        || format!("`{}` is not an interface name", host.bridge.get_ref()),
    )?;
    let ufw = &host.ufw;
    for (policy, allowed) in [
        (&ufw.default_input, &["ACCEPT", "DROP", "REJECT"][..]),
        (&ufw.default_output, &["ACCEPT", "DROP", "REJECT"][..]),
        (&ufw.default_forward, &["ACCEPT", "DROP", "REJECT"][..]),
        (
            &ufw.default_application,
            &["ACCEPT", "DROP", "REJECT", "SKIP"][..],
        ),
    ] {
        src.require(allowed.contains(&policy.get_ref().as_str()), policy, || {
            format!(
                "ufw policy `{}` is not one of {}",
                policy.get_ref(),
                allowed.join(", ")
            )
        })?;
    }
    for module in &ufw.ipt_modules {
        require_word(src, module, "ufw module")?;
    }
    let f2b = &host.fail2ban;
    for value in [&f2b.bantime, &f2b.findtime, &f2b.backend] {
        require_word(src, value, "fail2ban value")?;
    }
    for ip in &f2b.ignoreip {
        require_word(src, ip, "ignoreip entry")?;
    }
    jails(src, &f2b.jails)
}

fn domains(src: &Source<'_>, inventory: &Inventory) -> Result<(), RenderError> {
    let mut seen = BTreeSet::new();
    for domain in &inventory.domains {
        let name = &domain.name;
        src.require(
            is_hostname(name.get_ref()) && name.get_ref().contains('.'),
            name,
            || {
                format!(
                    "`{}` is not a domain name (write it without the final dot)",
                    name.get_ref()
                )
            },
        )?;
        src.require(seen.insert(name.get_ref().to_lowercase()), name, || {
            format!("domain `{}` is listed twice", name.get_ref())
        })?;
        require_comment(src, domain.comment.as_ref())?;
        if let Some(note) = &domain.corefile_note {
            src.require(is_line(note.get_ref()), note, || {
                "corefile_note must be one line".to_owned()
            })?;
        }
        for absolute in [&domain.soa.mname, &domain.soa.rname]
            .into_iter()
            .chain(&domain.ns)
        {
            src.require(is_absolute_name(absolute.get_ref()), absolute, || {
                format!(
                    "`{}` must be an absolute name ending in `.`",
                    absolute.get_ref()
                )
            })?;
        }
        if let Some(serial) = &domain.soa.serial {
            src.require(crate::stamp::is_serial(*serial.get_ref()), serial, || {
                format!("serial {} is not YYYYMMDDNN", serial.get_ref())
            })?;
        }
        if let Some(caa) = &domain.caa {
            for ca in caa.issue.iter().chain(&caa.issuewild) {
                src.require(is_line(ca.get_ref()), ca, || {
                    "CAA values must be one line".to_owned()
                })?;
            }
            require_comment(src, caa.comment.as_ref())?;
        }
        for mx in &domain.mx {
            src.require(
                is_owner(mx.host.get_ref().trim_end_matches('.')),
                &mx.host,
                || format!("`{}` is not a mail exchanger name", mx.host.get_ref()),
            )?;
        }
        for txt in &domain.txt {
            src.require(is_line(txt.get_ref()), txt, || {
                "TXT values must be one line".to_owned()
            })?;
        }
        require_comment(src, domain.a.comment.as_ref())?;
        for owner in &domain.a.names {
            src.require(is_owner(owner.get_ref()), owner, || {
                format!(
                    "`{}` is not an owner name relative to the zone",
                    owner.get_ref()
                )
            })?;
        }
        for record in &domain.records {
            src.require(is_owner(record.name.get_ref()), &record.name, || {
                format!(
                    "`{}` is not an owner name relative to the zone",
                    record.name.get_ref()
                )
            })?;
            src.require(
                record
                    .rtype
                    .get_ref()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && !record.rtype.get_ref().is_empty(),
                &record.rtype,
                || format!("`{}` is not a record type", record.rtype.get_ref()),
            )?;
            src.require(is_line(record.value.get_ref()), &record.value, || {
                "record values must be one line".to_owned()
            })?;
        }
    }
    Ok(())
}

fn service(src: &Source<'_>, inventory: &Inventory, service: &Service) -> Result<(), RenderError> {
    require_role(src, inventory, &service.machine, "service machine")?;
    require_comment(src, service.comment.as_ref())?;
    for line in [&service.description, &service.exec]
        .into_iter()
        .chain(&service.documentation)
        .chain(&service.exec_reload)
    {
        src.require(
            is_line(line.get_ref()) && !line.get_ref().is_empty(),
            line,
            || "unit values must be one non-empty line".to_owned(),
        )?;
    }
    for word in [
        &service.service_type,
        &service.user,
        &service.restart,
        &service.wanted_by,
    ]
    .into_iter()
    .chain(&service.group)
    .chain(&service.timeout_stop)
    .chain(&service.after)
    .chain(&service.wants)
    .chain(&service.capabilities)
    {
        require_word(src, word, "unit value")?;
    }
    for path in [&service.working_directory]
        .into_iter()
        .chain(&service.stdout)
        .chain(&service.stderr)
    {
        require_path(src, path, "unit path")?;
    }
    for var in &service.environment {
        let name = var.name.get_ref();
        src.require(
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            &var.name,
            || format!("`{name}` is not an environment variable name"),
        )?;
        src.require(is_line(var.value.get_ref()), &var.value, || {
            "environment values must be one line".to_owned()
        })?;
    }
    Ok(())
}

fn caddy(src: &Source<'_>, inventory: &Inventory) -> Result<(), RenderError> {
    let caddy = &inventory.caddy;
    require_role(src, inventory, &caddy.machine, "caddy machine")?;
    require_comment(src, caddy.comment.as_ref())?;
    for path in [&caddy.config, &caddy.storage_root, &caddy.access_log] {
        require_path(src, path, "caddy path")?;
    }
    for protocol in &caddy.tls_protocols {
        require_word(src, protocol, "TLS protocol")?;
    }
    for header in &caddy.headers {
        require_word(src, &header.name, "header name")?;
        if let Some(value) = &header.value {
            src.require(is_line(value.get_ref()), value, || {
                "header values must be one line".to_owned()
            })?;
        }
    }
    let mut seen = BTreeSet::new();
    for vhost in &caddy.vhosts {
        require_comment(src, vhost.comment.as_ref())?;
        let host = &vhost.host;
        src.require(is_hostname(host.get_ref()), host, || {
            format!("vhost `{}` is not a host name", host.get_ref())
        })?;
        src.require(seen.insert(host.get_ref().to_lowercase()), host, || {
            format!("vhost `{}` is listed twice", host.get_ref())
        })?;
        require_role(src, inventory, &vhost.role, "vhost upstream role")?;
        let has_ip = inventory
            .machines
            .get(vhost.role.get_ref().as_str())
            .is_some_and(|m| m.ip.is_some());
        src.require(has_ip, &vhost.role, || {
            format!(
                "vhost upstream role `{}` has no `ip` in [machines]",
                vhost.role.get_ref()
            )
        })?;
        for algorithm in &vhost.encode {
            require_word(src, algorithm, "encoding")?;
        }
        if let Some(path) = &vhost.handle {
            src.require(
                path.get_ref().starts_with('/') && is_word(path.get_ref()),
                path,
                || {
                    format!(
                        "handle path `{}` must start with `/` and hold no spaces, quotes or braces",
                        path.get_ref()
                    )
                },
            )?;
        }
    }
    Ok(())
}

fn coredns(src: &Source<'_>, inventory: &Inventory) -> Result<(), RenderError> {
    let dns = &inventory.coredns;
    if !inventory.domains.is_empty() {
        require_role(src, inventory, &dns.machine, "coredns machine")?;
    }
    require_path(src, &dns.corefile, "Corefile path")?;
    require_path(src, &dns.zone_dir, "zone folder")?;
    src.require(
        dns.bind.get_ref().parse::<IpAddr>().is_ok(),
        &dns.bind,
        || format!("`{}` is not an IP address", dns.bind.get_ref()),
    )?;
    require_word(src, &dns.reload, "reload interval")?;
    for forwarder in &dns.forwarders {
        src.require(
            forwarder.get_ref().parse::<IpAddr>().is_ok(),
            forwarder,
            || format!("forwarder `{}` is not an IP address", forwarder.get_ref()),
        )?;
    }
    for rtype in &dns.public_types {
        require_word(src, rtype, "record type")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
