//! fail2ban rules (`F2B`).

/// F2B003: `enabled` values fail2ban silently reads as false.
pub mod enabled_not_boolean;
/// F2B007: the host runs no sshd jail.
pub mod host_sshd_jail_missing;
/// F2B001: no flood jail on the proxy's Caddy access log.
pub mod http_flood_jail_missing;
/// F2B004: the flood jail reads a file Caddy does not write (or not as JSON).
pub mod jail_logpath_mismatch;
/// F2B006: an enabled jail fail2ban skips (its filter or action file is missing).
pub mod jail_skipped;
/// F2B005: loopback can be banned.
pub mod loopback_bannable;
/// F2B008: the email machine runs no jail for its mail services.
pub mod mail_jails_missing;
/// F2B002: an sshd jail where no SSH server runs.
pub mod sshd_jail_without_sshd;
/// F2B000: files fail2ban cannot read.
pub mod syntax_error;

use std::sync::OnceLock;

use gblint_caddyfile::{Caddyfile, Directive};
use gblint_diagnostics::{FileId, TextRange};
use gblint_fail2ban::{Jail, Value};

use crate::context::Context;
use crate::deployment::{Fail2banDoc, SkipReason};

/// The Caddy access log a proxy's Caddyfile writes: the `output file` of a `log` directive
/// (global or in a site, snippets expanded), with whether it is JSON and where it is.
pub struct AccessLog {
    /// The file path.
    pub path: String,
    /// `format json` is set.
    pub json: bool,
    /// The `log` directive's file and range.
    pub at: (FileId, TextRange),
}

/// Every access log file the Caddyfile writes.
pub fn access_logs(caddyfile: &Caddyfile) -> Vec<AccessLog> {
    let mut out: Vec<AccessLog> = Vec::new();
    let directives: Vec<&Directive> = caddyfile
        .model
        .sites
        .iter()
        .flat_map(|site| site.walk())
        .collect();
    for directive in directives {
        if &*directive.name.text != "log" {
            continue;
        }
        let Some(output) = directive.sub("output").last() else {
            continue;
        };
        if output.args().first().is_none_or(|a| &*a.text != "file") {
            continue;
        }
        let Some(path) = output.args().get(1) else {
            continue;
        };
        let json = directive
            .sub("format")
            .last()
            .is_some_and(|f| f.args().first().is_some_and(|a| &*a.text == "json"));
        if !out.iter().any(|l| l.path == *path.text) {
            out.push(AccessLog {
                path: path.text.to_string(),
                json,
                at: (directive.name.file(), directive.name.range()),
            });
        }
    }
    out
}

/// The source location of a merged value.
pub fn origin(doc: &Fail2banDoc, value: &Value) -> Option<(FileId, TextRange)> {
    Some((doc.file_of(&value.origin.file)?, value.origin.value_range))
}

/// The jail's effective value of `key`, interpolated.
pub fn value(jail: &Jail, key: &str) -> Option<String> {
    jail.get(key).and_then(|v| v.interpolated().clone().ok())
}

/// Whether a jail is enabled as fail2ban reads it (anything not a recognised true is false).
pub fn enabled(jail: &Jail) -> bool {
    value(jail, "enabled")
        .and_then(|v| gblint_fail2ban::parse_bool(&v))
        .unwrap_or(false)
}

/// Why fail2ban's jail reader skips a jail ("Errors in jail '…'. Skipping..."): the option
/// at fault and fail2ban's own words.
pub struct Skip<'a> {
    /// The `filter` or `action` value that names the missing file.
    pub value: &'a Value,
    /// fail2ban's error lines, joined: "Found no accessible config files for … / Unable to
    /// read …".
    pub message: String,
}

/// Whether fail2ban finds `kind.d/name` (`.conf` or `.local`) in the deployment's folder or
/// in the stock 1.0.2 tree the folder is installed over (a tree that holds only a
/// `jail.local` relies on the package's filters and actions).
fn resource_exists(doc: &Fail2banDoc, kind: &str, name: &str) -> bool {
    doc.config.exists(&format!("{kind}.d/{name}")) || gblint_fail2ban::is_stock(kind, name)
}

/// The reason fail2ban 1.0.2 skips an enabled jail (`JailReader.getOptions`): its filter or
/// one of its actions names a file that exists neither in the folder nor in the stock tree.
/// A malformed `name[args]` spec is skipped too ("Invalid filter definition"). Interpolation
/// errors are not skips: fail2ban stops altogether, and F2B000 reports them.
///
/// Worked out once per jail of `doc.config.jail_views()` (kept in `doc.skips`): F2B005,
/// F2B006 and the deployment rules each ask it of every enabled jail.
pub fn skipped<'a>(doc: &Fail2banDoc, jail: &'a Jail) -> Option<Skip<'a>> {
    let views = doc.config.jail_views();
    let reason = match view_index(views, jail) {
        Some(index) => doc
            .skips
            .get_or_init(|| views.iter().map(|_| OnceLock::new()).collect())[index]
            .get_or_init(|| skip_reason(doc, jail))
            .clone(),
        // A view built elsewhere (not one of the configuration's jails): not cached.
        None => skip_reason(doc, jail),
    }?;
    Some(Skip {
        value: jail.get(reason.option)?,
        message: reason.message,
    })
}

/// The position of `jail` in `views`, when it is one of them (by address: the views are one
/// slice, so the offset gives the index and one comparison confirms it).
fn view_index(views: &[Jail], jail: &Jail) -> Option<usize> {
    let offset = (jail as *const Jail as usize).checked_sub(views.as_ptr() as usize)?;
    let index = offset / std::mem::size_of::<Jail>().max(1);
    views
        .get(index)
        .is_some_and(|view| std::ptr::eq(view, jail))
        .then_some(index)
}

/// [`skipped`], worked out.
fn skip_reason(doc: &Fail2banDoc, jail: &Jail) -> Option<SkipReason> {
    let base = doc.base.trim_end_matches('/');
    if let Some(filter) = jail.get("filter") {
        if let Ok(text) = filter.interpolated() {
            match gblint_fail2ban::parse_spec(text) {
                Err(error) if !text.trim().is_empty() => {
                    return Some(SkipReason {
                        option: "filter",
                        message: format!("Invalid filter definition {}: {error}", py_repr(text)),
                    });
                }
                Ok(spec)
                    if !spec.name.is_empty() && !resource_exists(doc, "filter", &spec.name) =>
                {
                    return Some(SkipReason {
                        option: "filter",
                        message: format!(
                            "Found no accessible config files for 'filter.d/{0}' under {base}; Unable to read the filter '{0}'",
                            spec.name
                        ),
                    });
                }
                _ => {}
            }
        }
    }
    let action = jail.get("action")?;
    let Ok(text) = action.interpolated() else {
        return None;
    };
    for item in gblint_fail2ban::split_actions(text) {
        let spec = match gblint_fail2ban::parse_spec(&item) {
            Ok(spec) => spec,
            Err(error) => {
                return Some(SkipReason {
                    option: "action",
                    message: format!("Invalid action definition {}: {error}", py_repr(&item)),
                })
            }
        };
        // Python actions (`action.d/x.py`) are loaded by the server, not read here.
        if spec.name.is_empty()
            || spec.name.ends_with(".py")
            || resource_exists(doc, "action", &spec.name)
        {
            continue;
        }
        return Some(SkipReason {
            option: "action",
            message: format!(
                "Found no accessible config files for 'action.d/{0}' under {base}; Unable to read action '{0}'",
                spec.name
            ),
        });
    }
    None
}

/// Python's `repr` of a string, as fail2ban's `%r` prints it.
fn py_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "\\'"))
    }
}

/// Whether fail2ban runs the jail: enabled, and not skipped for a missing filter or action.
/// Rules that judge a jail's behaviour judge only these.
pub fn runs(doc: &Fail2banDoc, jail: &Jail) -> bool {
    enabled(jail) && skipped(doc, jail).is_none()
}

/// The log files a jail reads (`logpath`, one per line).
pub fn logpaths(jail: &Jail) -> Vec<String> {
    value(jail, "logpath")
        .map(|v| {
            v.split(['\n', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The proxy machines' fail2ban configurations with that machine's Caddyfile.
pub fn proxies<'a>(ctx: &'a Context<'_>) -> Vec<(&'a Fail2banDoc, &'a Caddyfile)> {
    ctx.deployment
        .fail2ban
        .iter()
        .filter_map(|doc| {
            let machine = doc.machine?;
            if ctx.deployment.machines.get(machine.0)?.role.as_deref() != Some("proxy") {
                return None;
            }
            Some((doc, &ctx.deployment.machine_caddyfile(machine)?.caddyfile))
        })
        .collect()
}

/// Whether a jail is the HTTP flood jail: it reads a Caddy log, or its name or filter says so.
pub fn is_flood_jail(jail: &Jail, logs: &[AccessLog]) -> bool {
    let name = jail.name.to_ascii_lowercase();
    let filter = value(jail, "filter")
        .unwrap_or_default()
        .to_ascii_lowercase();
    logpaths(jail)
        .iter()
        .any(|p| logs.iter().any(|l| &l.path == p))
        || ["caddy", "flood", "http"]
            .iter()
            .any(|w| name.contains(w) || filter.contains(w))
}
