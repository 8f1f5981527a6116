use gblint_caddyfile::env::EmptyPlaceholder;
use gblint_caddyfile::{Directive, GlobalOptions, Site, SiteAddress};
use gblint_diagnostics::{Diagnostic, FileId};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a site address whose host Caddy refuses to manage a certificate for: `subject
    /// does not qualify for certificate: '<machine>.<tailnet>'`. A host qualifies when it is not
    /// empty, does not start or end with a dot, has a `*` only as the whole left-most label, and
    /// contains none of `()[]{}<> "\!@#$%^&|;'+=` or whitespace (certmagic's
    /// `SubjectQualifiesForCert`, unchanged from Caddy 2.6.2 to 2.11).
    ///
    /// Caddy checks this only where it would set up certificates by itself (`caddyhttp`'s
    /// automation policies in `httpcaddyfile/tlsapp.go`), so gblint reports it only there: the
    /// address is not `http://` and its port is not the HTTP port (80, or `http_port`), the site
    /// has no `tls` directive naming an issuer (`tls internal`, an email address or a block),
    /// and the global options set neither `cert_issuer` nor `local_certs`. Hosts ending in
    /// `.ts.net` are left out: current Caddy hands them to Tailscale without this check.
    ///
    /// ## Why is this bad
    /// `caddy adapt`, `caddy validate` and `caddy run` refuse the whole file, even with
    /// `auto_https off`. The usual cause is a template placeholder left in a site address
    /// (`<machine-name>.<tailnet-name>`), or a trailing dot (`example.com.`).
    ///
    /// ## Example
    /// ```caddyfile
    /// <machine-name>.<tailnet-name> {
    /// 	reverse_proxy localhost:8080
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// vault.tail1234.ts.net {
    /// 	reverse_proxy localhost:8080
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the real host name is not in the file.
    pub struct SubjectNotCertifiable {
        code: "CDY014",
        name: "subject-not-certifiable",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for SubjectNotCertifiable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let model = &doc.caddyfile.model;
            let global = model.global.as_ref();
            let option = |name: &str| last_option(global, name);
            if option("cert_issuer").is_some() || option("local_certs").is_some() {
                continue;
            }
            let port_option = |name: &str, default: &str| {
                option(name)
                    .and_then(|o| o.args().first())
                    .map_or(default.to_owned(), |t| t.text.to_string())
            };
            let http_port = port_option("http_port", "80");
            let https_port = port_option("https_port", "443");
            for site in &model.sites {
                check_site(site, &http_port, &https_port, &doc.caddyfile.empty_env, out);
            }
        }
    }
}

/// The last global option with this name (the one Caddy keeps).
fn last_option<'a>(global: Option<&'a GlobalOptions>, name: &str) -> Option<&'a Directive> {
    global.and_then(|g| g.options.iter().rev().find(|d| d.name() == name))
}

/// Whether the site's `tls` gives it an issuer (then Caddy skips the check for it).
fn has_issuer(tls: &Directive) -> bool {
    tls.open_brace().is_some() || tls.args().len() == 1
}

fn check_site(
    site: &Site,
    http_port: &str,
    https_port: &str,
    empty_env: &[(FileId, EmptyPlaceholder)],
    out: &mut Vec<Diagnostic>,
) {
    if site.directive("tls").any(has_issuer) {
        return;
    }
    // Checked only when every address parsed; the addresses are read in place, not collected
    // into a vector per site.
    if site.addresses.iter().any(SiteAddress::is_refused) {
        return;
    }
    // Borrowed views of the key tokens' texts: nothing is built per address.
    let parsed = || site.addresses.iter().filter_map(SiteAddress::view);
    // Nothing to check when every address is `http`; and the block gets an automation policy
    // only when it listens on a port other than HTTP's. One pass answers both.
    let (mut beyond_http_scheme, mut listens_beyond_http) = (false, false);
    for p in parsed() {
        beyond_http_scheme |= p.scheme() != "http";
        let port = if !p.port().is_empty() {
            p.port()
        } else if p.scheme() == "http" {
            http_port
        } else {
            https_port
        };
        listens_beyond_http |= port != http_port;
    }
    if !beyond_http_scheme || !listens_beyond_http {
        return;
    }
    for (address, parsed) in site.addresses.iter().zip(parsed()) {
        if parsed.scheme() == "http" || parsed.port() == http_port {
            continue;
        }
        // Borrowed unless the host has upper-case letters or placeholders.
        let host = parsed.normalized_host();
        if host.is_empty() || host.ends_with(".ts.net") || qualifies(&host) {
            continue;
        }
        let token = &address.token;
        // A `{$VAR}` that expanded to nothing inside the address (`www.{$DOMAIN}` → `www.`).
        let unset: Vec<String> = empty_env
            .iter()
            .filter(|(file, placeholder)| {
                *file == token.file()
                    && placeholder.range.start() >= token.range().start()
                    && placeholder.range.start() <= token.range().end()
            })
            .map(|(_, placeholder)| {
                let state = if placeholder.set { "empty" } else { "unset" };
                format!("`{{${}}}` is {state}", placeholder.name)
            })
            .collect();
        let help = if unset.is_empty() {
            "write the real host name; a template placeholder like `<name>` was probably left in"
                .to_owned()
        } else {
            format!(
                "{} where gblint ran; set it as on the machine Caddy runs on (Caddy refuses this address too when it is unset)",
                unset.join(", ")
            )
        };
        out.push(
            SubjectNotCertifiable::META
                .diagnostic(
                    token.file(),
                    token.range(),
                    format!("subject does not qualify for certificate: '{host}'"),
                )
                .with_label("not a name a certificate can be issued for")
                .with_note("Caddy refuses the whole file (also with `auto_https off`)")
                .with_help(help),
        );
    }
}

/// certmagic's `SubjectQualifiesForCert`.
fn qualifies(subject: &str) -> bool {
    !subject.trim().is_empty()
        && !subject.starts_with('.')
        && !subject.ends_with('.')
        && (!subject.contains('*') || subject.starts_with("*.") || subject == "*")
        && !subject.bytes().any(|b| FORBIDDEN[usize::from(b)])
}

/// The characters certmagic refuses in a subject, as a byte table: all of them are ASCII, so
/// testing bytes is testing characters (a multi-byte character's bytes are all ≥ 0x80), and a
/// table lookup per byte replaces a scan of the list per character.
const FORBIDDEN: [bool; 256] = {
    let mut table = [false; 256];
    let list = b"()[]{}<> \t\n\"\\!@#$%^&|;'+=";
    let mut i = 0;
    while i < list.len() {
        table[list[i] as usize] = true;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::qualifies;

    #[test]
    fn certmagic_subject_rules() {
        for ok in [
            "example.com",
            "*.example.com",
            "*",
            "localhost",
            "10.0.0.1",
            "a_b.example",
        ] {
            assert!(qualifies(ok), "{ok}");
        }
        for bad in [
            "<machine-name>.<tailnet.name>",
            "example.com.",
            ".example.com",
            "a*b.example.com",
            "a.*.example.com",
            "x!y.example",
            "",
        ] {
            assert!(!qualifies(bad), "{bad}");
        }
    }
}
