use gblint_diagnostics::{Diagnostic, Edit, Fix};

use super::{internal_nets, is_public_listener, serves_zone_data};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a server block that serves zone data on a public listener without an `acl`.
    ///
    /// *Zone data* means a plugin that answers from records it holds or reads: `file`, `auto`,
    /// `secondary`, `hosts`, `etcd`, `kubernetes`, `k8s_external`, `route53`, `azure`,
    /// `clouddns`, `nomad`. A block with only `template` (answers synthesised from a pattern),
    /// `forward`/`grpc` (recursion: DNS004's business), `whoami`, `erratic`, `chaos`, `local`,
    /// `loop`, `any`, `sign` (writes signed files, answers nothing) or `transfer` (AXFR of
    /// another plugin's zones) serves no zone data of its own.
    ///
    /// *Public listener*: no `bind`, or a bind address that is unspecified or outside both
    /// loopback and `[network] internal` (default: loopback, RFC 1918, 100.64.0.0/10,
    /// fc00::/7, fe80::/10). `bind lo`, `bind ::1`, `bind 127.0.0.53` are internal; any other
    /// interface name (`bind eth0`) has addresses gblint cannot know and is not reported.
    ///
    /// ## Why is this bad
    /// Without an acl the server answers every query type to everyone, `ANY` included: an
    /// amplification source for reflection attacks (a small `ANY` query, a large answer sent
    /// to a spoofed victim) and a full inventory of the zone for anyone who asks.
    ///
    /// ## Example
    /// ```corefile
    /// example.org:53 {
    ///     file /opt/gbo/data/example.org.zone
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// example.org:53 {
    ///     file /opt/gbo/data/example.org.zone
    ///     acl {
    ///         allow type ANY net 10.0.0.0/8 127.0.0.0/8
    ///         allow type A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA net 0.0.0.0/0 ::/0
    ///         block
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts the acl above (internal networks from `[network] internal`) before the
    /// block's closing brace. It is safe: the public keeps every ordinary record type,
    /// including CAA for certificate issuance.
    pub struct AclMissing {
        code: "DNS001",
        name: "acl-missing",
        severity: Error,
        category: Security,
        fix: Sometimes,
        kind: Some(FileKind::Corefile),
    }
}

/// The record types the public may ask for (the operations guide's list).
pub const PUBLIC_TYPES: &str = "A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA";

impl Rule for AclMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let internal = internal_nets(ctx.settings);
        for doc in &ctx.deployment.corefiles {
            let text = ctx.sources.get(doc.file).text();
            for block in &doc.corefile.blocks {
                if !serves_zone_data(block)
                    || block.directive("acl").next().is_some()
                    || !is_public_listener(block, &internal)
                {
                    continue;
                }
                if doc.corefile.token_file(&block.keys[0]) != 0 {
                    continue;
                }
                let key = &block.keys[0];
                let mut diagnostic = Self::META
                    .diagnostic(doc.file, key.range, format!("`{}` serves zone data publicly without an acl", key.text))
                    .with_label("no acl in this server block")
                    .with_note("every query type is answered to everyone, ANY included (amplification, zone inventory)")
                    .with_help("add an acl that allows ANY only from internal networks and ends with `block`");
                if let Some(fix) = fix(text, block, &ctx.settings.network.internal) {
                    diagnostic = diagnostic.with_fix(fix);
                }
                out.push(diagnostic);
            }
        }
    }
}

fn fix(text: &str, block: &gblint_corefile::ServerBlock, internal: &[String]) -> Option<Fix> {
    let close = block.close_brace.as_ref()?;
    let line_start = text[..close.range.start() as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if !text[line_start..close.range.start() as usize]
        .trim()
        .is_empty()
    {
        return None;
    }
    let first = block.directives.first()?;
    let first_line_start = text[..first.name.range.start() as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[first_line_start..first.name.range.start() as usize];
    if !indent.chars().all(|c| c == ' ' || c == '\t') || indent.is_empty() {
        return None;
    }
    let closing_indent = &text[line_start..close.range.start() as usize];
    let unit = indent
        .strip_prefix(closing_indent)
        .filter(|u| !u.is_empty())
        .unwrap_or(indent);
    let nets = if internal.is_empty() {
        "127.0.0.0/8".to_owned()
    } else {
        internal.join(" ")
    };
    let acl = format!(
        "{indent}acl {{\n{indent}{unit}allow type ANY net {nets}\n{indent}{unit}allow type {PUBLIC_TYPES} net 0.0.0.0/0 ::/0\n{indent}{unit}block\n{indent}}}\n"
    );
    Some(Fix::safe(
        "add the standard acl",
        vec![Edit::insertion(u32::try_from(line_start).ok()?, acl)],
    ))
}
