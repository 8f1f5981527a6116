//! ssh client configuration rules (`SSH`), and where the deployment says the system
//! container's address is.

/// SSH000: what makes ssh refuse its configuration.
pub mod syntax_error;
/// SSH001: the CI runner cannot reach the system container by its name.
pub mod system_host_alias_missing;

use gblint_caddyfile::Directive;
use gblint_diagnostics::{FileId, TextRange};

use crate::context::Context;
use crate::rules::systemd::{botserver, env, url_host_port};

/// The system container's address as the deployment knows it today: the host of the proxy's
/// `reverse_proxy` upstreams that point at the bot server's port (`PORT=` of its unit on the
/// system machine, 8080 when unset), when they all agree. With where one of them is written.
pub fn system_address(ctx: &Context<'_>) -> Option<(String, FileId, TextRange)> {
    let unit = botserver(ctx)?;
    let on_system = unit
        .machine
        .and_then(|m| ctx.deployment.machines.get(m.0))
        .is_some_and(|m| m.role.as_deref() == Some("system"));
    if !on_system {
        return None;
    }
    let port: u16 = env(unit, "PORT").map_or(Some(8080), |v| v.value.trim().parse().ok())?;
    let mut found: Vec<(String, FileId, TextRange)> = Vec::new();
    for doc in &ctx.deployment.caddyfiles {
        let proxies: Vec<&Directive> = doc
            .caddyfile
            .model
            .sites
            .iter()
            .flat_map(|site| site.walk())
            .filter(|d| d.name() == "reverse_proxy")
            .collect();
        for proxy in proxies {
            let tokens = proxy
                .args()
                .iter()
                .chain(proxy.sub("to").flat_map(|to| to.args().iter()));
            for token in tokens {
                let Some((host, upstream_port)) = host_port(&token.text) else {
                    continue;
                };
                if upstream_port == port && !found.iter().any(|(h, _, _)| *h == host) {
                    found.push((host, token.file(), token.range()));
                }
            }
        }
    }
    // Upstreams that disagree say nothing certain about which one is the system container.
    (found.len() == 1).then(|| found.remove(0))
}

/// Host and port of an upstream (`http://10.0.0.1:5858`, `10.0.0.1:5858`).
fn host_port(upstream: &str) -> Option<(String, u16)> {
    if upstream.contains("://") {
        let (_, host, port) = url_host_port(upstream)?;
        return Some((host, port));
    }
    let (host, port) = upstream.rsplit_once(':')?;
    Some((host.to_owned(), port.parse().ok()?))
}
