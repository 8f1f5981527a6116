//! The `acl` plugin: `acl [ZONES...] { ACTION [type QTYPE...] [net SOURCE...] }`, one policy
//! per line, first match wins. Parsed with the plugin's own error messages (setup.go).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::lexer::Token;
use crate::parser::Directive;

/// What a policy does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Answer normally (ends the acl check).
    Allow,
    /// REFUSED.
    Block,
    /// NOERROR without records.
    Filter,
    /// No reply.
    Drop,
}

/// One policy line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The action.
    pub action: Action,
    /// Query types; empty = all (also `*`).
    pub types: Vec<String>,
    /// Source networks; empty = any (also `*`).
    pub nets: Vec<IpNet>,
    /// 1-based line.
    pub line: u32,
    /// The action token's range start … last token's end.
    pub range: gblint_diagnostics::TextRange,
}

impl Policy {
    /// Whether the policy applies to every query type.
    pub fn all_types(&self) -> bool {
        self.types.is_empty()
    }

    /// Whether it applies to every source.
    pub fn all_sources(&self) -> bool {
        self.nets.is_empty() || self.nets.iter().any(|n| n.prefix_len() == 0)
    }

    /// Whether it matches `qtype` (upper-case) from `source`: `Some(true/false)` when decided
    /// for every address of `source`, `None` when it depends on the address within it.
    pub fn matches(&self, qtype: &str, source: &IpNet) -> Option<bool> {
        if !self.types.is_empty()
            && !self
                .types
                .iter()
                .any(|t| t == qtype || t == "ANY" && qtype == "ANY")
        {
            return Some(false);
        }
        if self.nets.is_empty() {
            return Some(true);
        }
        if self.nets.iter().any(|n| n.contains(source)) {
            return Some(true);
        }
        if self
            .nets
            .iter()
            .any(|n| source.contains(n) || n.contains(&source.network()))
        {
            return None;
        }
        Some(false)
    }
}

/// DNS type names the acl plugin accepts (miekg/dns StringToType; case-sensitive).
pub const QTYPES: &[&str] = &[
    "A",
    "NS",
    "MD",
    "MF",
    "CNAME",
    "SOA",
    "MB",
    "MG",
    "MR",
    "NULL",
    "PTR",
    "HINFO",
    "MINFO",
    "MX",
    "TXT",
    "RP",
    "AFSDB",
    "X25",
    "ISDN",
    "RT",
    "NSAPPTR",
    "SIG",
    "KEY",
    "PX",
    "GPOS",
    "AAAA",
    "LOC",
    "NXT",
    "EID",
    "NIMLOC",
    "SRV",
    "ATMA",
    "NAPTR",
    "KX",
    "CERT",
    "DNAME",
    "OPT",
    "APL",
    "DS",
    "SSHFP",
    "IPSECKEY",
    "RRSIG",
    "NSEC",
    "DNSKEY",
    "DHCID",
    "NSEC3",
    "NSEC3PARAM",
    "TLSA",
    "SMIMEA",
    "HIP",
    "NINFO",
    "RKEY",
    "TALINK",
    "CDS",
    "CDNSKEY",
    "OPENPGPKEY",
    "CSYNC",
    "ZONEMD",
    "SVCB",
    "HTTPS",
    "SPF",
    "UINFO",
    "UID",
    "GID",
    "UNSPEC",
    "NID",
    "L32",
    "L64",
    "LP",
    "EUI48",
    "EUI64",
    "NXNAME",
    "TKEY",
    "TSIG",
    "IXFR",
    "AXFR",
    "MAILB",
    "MAILA",
    "ANY",
    "URI",
    "CAA",
    "AVC",
    "AMTRELAY",
    "RESINFO",
    "WALLET",
    "CLA",
    "IPN",
    "TA",
    "DLV",
    "Reserved",
];

/// A parsed `acl` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    /// Zones it applies to (empty = the block's keys).
    pub zones: Vec<String>,
    /// Policies in order.
    pub policies: Vec<Policy>,
}

/// An acl setup error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclError {
    /// The plugin's message.
    pub message: String,
    /// The offending token.
    pub range: gblint_diagnostics::TextRange,
}

/// Parse an `acl` directive.
pub fn parse(directive: &Directive) -> Result<Acl, AclError> {
    let zones = directive.args().iter().map(|t| t.text.clone()).collect();
    let mut policies = Vec::new();
    for line in directive.block_lines() {
        policies.push(parse_policy(&line)?);
    }
    Ok(Acl { zones, policies })
}

fn error<T>(message: String, token: &Token) -> Result<T, AclError> {
    Err(AclError {
        message,
        range: token.range,
    })
}

fn parse_policy(line: &[&Token]) -> Result<Policy, AclError> {
    let first = line[0];
    let action = match first.text.to_ascii_lowercase().as_str() {
        "allow" => Action::Allow,
        "block" => Action::Block,
        "filter" => Action::Filter,
        "drop" => Action::Drop,
        _ => {
            return error(
                format!(
                    "unexpected token {:?}; expect 'allow', 'block', 'filter' or 'drop'",
                    first.text
                ),
                first,
            )
        }
    };
    let mut types = Vec::new();
    let mut nets = Vec::new();
    let mut i = 1;
    while i < line.len() {
        let section = line[i];
        let kind = section.text.to_ascii_lowercase();
        if kind != "type" && kind != "net" {
            return error(
                format!("unexpected token {:?}; expect 'type | net'", section.text),
                section,
            );
        }
        i += 1;
        let start = i;
        while i < line.len()
            && !matches!(line[i].text.to_ascii_lowercase().as_str(), "type" | "net")
        {
            let token = line[i];
            if kind == "type" {
                if token.text == "*" {
                    // All types: an empty list.
                } else if QTYPES.contains(&token.text.as_str()) {
                    types.push(token.text.clone());
                } else {
                    return error(
                        format!("unexpected token {:?}; expect legal QTYPE", token.text),
                        token,
                    );
                }
            } else if token.text != "*" {
                nets.push(parse_source(token)?);
            } else {
                nets.push("0.0.0.0/0".parse().expect("valid"));
                nets.push("::/0".parse().expect("valid"));
            }
            i += 1;
        }
        if i == start {
            return error(
                format!("no token specified in {:?} section", section.text),
                section,
            );
        }
    }
    let last = line[line.len() - 1];
    Ok(Policy {
        action,
        types,
        nets,
        line: first.line,
        range: first.range.cover(last.range),
    })
}

fn parse_source(token: &Token) -> Result<IpNet, AclError> {
    let text = token.text.as_str();
    if text.contains('/') {
        return text
            .parse::<IpNet>()
            .map(|n| n.trunc())
            .or_else(|_| error(format!("illegal CIDR notation {text:?}"), token));
    }
    match text.parse::<IpAddr>() {
        Ok(addr) => Ok(IpNet::from(addr)),
        Err(_) => error(format!("illegal CIDR notation {text:?}"), token),
    }
}
