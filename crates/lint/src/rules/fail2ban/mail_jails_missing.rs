use gblint_diagnostics::{Diagnostic, TextRange};
use gblint_fail2ban::Jail;

use super::host_sshd_jail_missing::{docs_of_role, filter_name};
use super::{runs, value};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On the email machine (role `email`), requires jails fail2ban runs for both kinds of mail
    /// service it exposes: mail submission (SMTP: ports 25, 465, 587) and mailbox access
    /// (IMAP/POP3/ManageSieve: 143, 993, 110, 995, 4190). A jail counts when it is enabled,
    /// not skipped, and is a mail jail: its `port` names mail ports, or, without `port`, its
    /// filter (or name) is a mail server's (`postfix`, `exim`, `sendmail-*`, `qmail` for SMTP;
    /// `dovecot`, `courier-auth`, `cyrus-imap`, `uwimap-auth` for mailboxes; `stalwart`,
    /// `mail…` for both). Judged when the email machine's fail2ban folder is in the tree.
    ///
    /// ## Why is this bad
    /// The email container is the tenant's other public entry besides the proxy: its ports are
    /// forwarded from the host, and password guessing against SMTP AUTH and IMAP is constant.
    /// The operations guide runs a mail jail there; without it, a guessed password turns the
    /// tenant into a spam relay.
    ///
    /// ## Example
    ///
    /// `pragmatismo-email/etc/fail2ban/jail.local`:
    /// ```ini
    /// [stalwart]
    /// enabled = false
    /// port    = smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-email/etc/fail2ban/jail.local`:
    /// ```ini
    /// [stalwart]
    /// enabled = true
    /// filter  = stalwart
    /// port    = smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve
    /// logpath = /opt/gbo/logs/stalwart.log
    /// backend = auto
    /// ```
    /// with the filter it names (the one `gblint render` writes), reading Stalwart's
    /// `auth.failed` log line:
    ///
    /// `pragmatismo-email/etc/fail2ban/filter.d/stalwart.conf`:
    /// ```ini
    /// [Definition]
    /// failregex = ^\s*[A-Z]+ Authentication failed \(auth\.failed\) (?:listenerId = "[^"]*", localPort = \d+, )?remoteIp = <HOST>(?:,|$)
    /// datepattern = ^%%Y-%%m-%%dT%%H:%%M:%%S%%z
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the filter depends on the mail server and its log format.
    pub struct MailJailsMissing {
        code: "F2B008",
        name: "mail-jails-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for MailJailsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in docs_of_role(ctx, "email") {
            let mut smtp = false;
            let mut mailbox = false;
            for jail in doc.config.jail_views() {
                if !runs(doc, jail) {
                    continue;
                }
                let covers = coverage(jail);
                smtp |= covers.smtp;
                mailbox |= covers.mailbox;
            }
            let missing = match (smtp, mailbox) {
                (true, true) => continue,
                (false, false) => "mail submission (SMTP) and mailbox access (IMAP/POP3)",
                (false, true) => "mail submission (SMTP: 25, 465, 587)",
                (true, false) => "mailbox access (IMAP/POP3: 143, 993, 110, 995)",
            };
            let file = doc
                .file_of("jail.local")
                .or_else(|| doc.files.values().next().map(|(f, _)| *f));
            let Some(file) = file else { continue };
            out.push(
                Self::META
                    .diagnostic(
                        file,
                        TextRange::empty(0),
                        format!("the email machine runs no fail2ban jail for {missing}"),
                    )
                    .with_label("no running mail jail here")
                    .with_help("enable a jail whose `port` lists smtp,submission,submissions,imap,imaps,pop3,pop3s with the mail server's filter"),
            );
        }
    }
}

/// Which kinds of mail service a jail protects.
#[derive(Default)]
struct Coverage {
    smtp: bool,
    mailbox: bool,
}

const SMTP_PORTS: [u32; 3] = [25, 465, 587];
const MAILBOX_PORTS: [u32; 5] = [143, 993, 110, 995, 4190];

fn coverage(jail: &Jail) -> Coverage {
    if let Some(ports) = value(jail, "port").filter(|p| !p.trim().is_empty()) {
        let ports = port_set(&ports);
        // A jail over every port (`0:65535`, jail.conf's default) is not a mail jail: it
        // says nothing about what it watches.
        let everything = ports.iter().any(|(lo, hi)| *lo <= 1 && *hi >= 65535);
        if everything {
            return by_filter(jail);
        }
        let hit = |port: u32| ports.iter().any(|(lo, hi)| (*lo..=*hi).contains(&port));
        return Coverage {
            smtp: SMTP_PORTS.into_iter().any(hit),
            mailbox: MAILBOX_PORTS.into_iter().any(hit),
        };
    }
    by_filter(jail)
}

/// The kinds of mail service a jail's filter (or, without one, its name) belongs to.
fn by_filter(jail: &Jail) -> Coverage {
    let filter = value(jail, "filter").unwrap_or_else(|| jail.name.clone());
    let name = filter_name(&filter).to_ascii_lowercase();
    let smtp = [
        "postfix",
        "exim",
        "sendmail",
        "qmail",
        "courier-smtp",
        "haraka",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix));
    let mailbox = [
        "dovecot",
        "courier-auth",
        "cyrus-imap",
        "uwimap-auth",
        "perdition",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix));
    let both = name.starts_with("stalwart") || name.starts_with("mail");
    Coverage {
        smtp: smtp || both,
        mailbox: mailbox || both,
    }
}

/// fail2ban's `port` value as port ranges: numbers, `a:b` ranges and the service names of
/// /etc/services a mail jail uses, separated by commas or spaces.
fn port_set(text: &str) -> Vec<(u32, u32)> {
    text.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .filter_map(|item| {
            if let Some((lo, hi)) = item.split_once(':') {
                return Some((port_number(lo)?, port_number(hi)?));
            }
            let port = port_number(item)?;
            Some((port, port))
        })
        .collect()
}

fn port_number(item: &str) -> Option<u32> {
    if let Ok(number) = item.parse::<u32>() {
        return Some(number);
    }
    Some(match item.to_ascii_lowercase().as_str() {
        "smtp" => 25,
        "smtps" | "ssmtp" | "submissions" | "urd" => 465,
        "submission" => 587,
        "imap" | "imap2" => 143,
        "imaps" => 993,
        "pop3" => 110,
        "pop3s" => 995,
        "sieve" => 4190,
        "ssh" => 22,
        "http" => 80,
        "https" => 443,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_names() {
        assert_eq!(
            port_set("smtp,465 submission"),
            [(25, 25), (465, 465), (587, 587)]
        );
        assert_eq!(port_set("0:65535"), [(0, 65535)]);
        assert_eq!(port_set("imaps, pop3s,unknown"), [(993, 993), (995, 995)]);
    }
}
