//! Which server blocks CoreDNS refuses to register together (`core/dnsserver/register.go`,
//! `validateZonesAndListeningAddresses`, and `address.go`'s overlap checker, CoreDNS 1.14.7).
//!
//! Every (block, zone) pair is a config, taken in block order; each listens on the block's
//! `bind` addresses (or on every address, written `""`, without `bind`). For each listen
//! address of a config:
//!
//! * a config **without** a view filter is checked and then registered: the same transport,
//!   zone, port and address already registered is "already defined"; an unbound config when a
//!   bound one of the same zone and port is registered (or the reverse) is "zone overlap
//!   listener capacity";
//! * a config **with** a filter (a `view` directive) is only checked, never registered, and
//!   only the overlap error applies to it — so any number of views may share a zone and port
//!   with each other and with one unfiltered block, before or after them.
//!
//! A `bind` that names an interface (`bind lo`, `bind eth0`) listens on addresses gblint
//! cannot know: such a block is neither checked nor registered, which can only hide a
//! refusal, never invent one.

use crate::keys;
use crate::parser::ServerBlock;

/// One refusal: the block and key it is reported on, and CoreDNS's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Index of the block in `Corefile::blocks`.
    pub block: usize,
    /// Index of the key in that block's `keys`.
    pub key: usize,
    /// CoreDNS's wording (`cannot serve … - it is already defined`).
    pub message: String,
}

/// The addresses a block listens on: `Some(vec![""])` without `bind` (every address), the
/// `bind` addresses less the `except` ones, or `None` when a `bind` names an interface.
pub fn listen_hosts(block: &ServerBlock) -> Option<Vec<String>> {
    let mut addrs: Vec<String> = Vec::new();
    let mut except: Vec<String> = Vec::new();
    let mut any = false;
    for directive in block.directive("bind") {
        any = true;
        addrs.extend(directive.args().iter().map(|t| t.text.clone()));
        for line in directive.block_lines() {
            if line.first().is_some_and(|t| t.text == "except") {
                except.extend(line[1..].iter().map(|t| t.text.clone()));
            }
        }
    }
    if !any {
        return Some(vec![String::new()]);
    }
    if addrs
        .iter()
        .chain(&except)
        .any(|a| a.parse::<std::net::IpAddr>().is_err())
    {
        return None;
    }
    Some(addrs.into_iter().filter(|a| !except.contains(a)).collect())
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ZoneAddr {
    transport: String,
    zone: String,
    port: String,
    address: String,
}

impl ZoneAddr {
    fn unbound(&self) -> ZoneAddr {
        ZoneAddr {
            address: String::new(),
            ..self.clone()
        }
    }

    fn show(&self) -> String {
        let mut s = format!("{}://{}:{}", self.transport, self.zone, self.port);
        if !self.address.is_empty() {
            s.push_str(" on ");
            s.push_str(&self.address);
        }
        s
    }
}

#[derive(Default)]
struct Overlap {
    registered: Vec<ZoneAddr>,
    /// Unbound form → the zoneAddr registered under it.
    unbound: Vec<(ZoneAddr, ZoneAddr)>,
}

enum Found {
    Exists,
    Overlaps(ZoneAddr),
}

impl Overlap {
    fn check(&self, z: &ZoneAddr) -> Option<Found> {
        if self.registered.contains(z) {
            return Some(Found::Exists);
        }
        let uz = z.unbound();
        if let Some((_, already)) = self.unbound.iter().find(|(u, _)| *u == uz) {
            if z.address.is_empty() {
                return Some(Found::Overlaps(already.clone()));
            }
            if self.registered.contains(&uz) {
                return Some(Found::Overlaps(uz));
            }
        }
        None
    }

    fn register(&mut self, z: ZoneAddr) {
        self.unbound.push((z.unbound(), z.clone()));
        self.registered.push(z);
    }
}

/// Every (block, zone) combination CoreDNS refuses to register. Keys that do not normalise
/// are left out (they are reported on their own).
pub fn refusals(blocks: &[ServerBlock]) -> Vec<Refusal> {
    let mut checker = Overlap::default();
    let mut out = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let Some(hosts) = listen_hosts(block) else {
            continue;
        };
        let filtered = block.directive("view").next().is_some();
        // A CIDR key's extra zones are appended after the block's own keys (register.go).
        let mut configs: Vec<(usize, String, String, String)> = Vec::new();
        let mut extra = Vec::new();
        for (k, key) in block.keys.iter().enumerate() {
            let Ok(normalized) = keys::normalize(&key.text) else {
                continue;
            };
            for (i, zone) in normalized.zones.iter().enumerate() {
                let config = (
                    k,
                    normalized.transport.clone(),
                    zone.clone(),
                    normalized.port.clone(),
                );
                if i == 0 {
                    configs.push(config);
                } else {
                    extra.push(config);
                }
            }
        }
        configs.extend(extra);
        for (k, transport, zone, port) in configs {
            for host in &hosts {
                let z = ZoneAddr {
                    transport: transport.clone(),
                    zone: zone.clone(),
                    port: port.clone(),
                    address: host.clone(),
                };
                let found = checker.check(&z);
                let message = match found {
                    Some(Found::Exists) if !filtered => {
                        format!("cannot serve {} - it is already defined", z.show())
                    }
                    Some(Found::Overlaps(other)) => format!(
                        "cannot serve {} - zone overlap listener capacity with {}",
                        z.show(),
                        other.show()
                    ),
                    Some(Found::Exists) | None => {
                        if !filtered {
                            checker.register(z);
                        }
                        continue;
                    }
                };
                out.push(Refusal {
                    block: b,
                    key: k,
                    message,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::refusals;
    use crate::parser::{parse, ImportOptions};

    fn messages(text: &str) -> Vec<String> {
        let env = |_: &str| None;
        let options = ImportOptions {
            base: None,
            fence: None,
            env: &env,
            max_file_bytes: 1 << 20,
            secret_scan: None,
        };
        let corefile = parse(std::path::Path::new("Corefile"), text, &options);
        refusals(&corefile.blocks)
            .into_iter()
            .map(|r| format!("{}/{}: {}", r.block, r.key, r.message))
            .collect()
    }

    const VIEW: &str = "view v {\n expr true\n}\n";

    #[test]
    fn views_share_a_zone_with_one_unfiltered_block() {
        // Views before and after the default block, and views among themselves.
        let text = format!("a.org {{\n{VIEW}whoami\n}}\na.org {{\n{VIEW}whoami\n}}\na.org {{\nwhoami\n}}\na.org {{\n{VIEW}whoami\n}}\n");
        assert!(messages(&text).is_empty(), "{:?}", messages(&text));
    }

    #[test]
    fn two_unfiltered_blocks_are_refused_even_after_views() {
        let text =
            format!("a.org {{\n{VIEW}whoami\n}}\na.org {{\nwhoami\n}}\na.org:53 {{\nwhoami\n}}\n");
        assert_eq!(
            messages(&text),
            ["2/0: cannot serve dns://a.org.:53 - it is already defined"]
        );
    }

    #[test]
    fn bind_addresses_separate_listeners_and_overlap_with_unbound() {
        assert!(messages("a.org {\nbind 10.0.0.1\n}\na.org {\nbind 10.0.0.2 ::1\n}\n").is_empty());
        assert_eq!(
            messages("a.org {\nbind 10.0.0.1\n}\na.org {\nwhoami\n}\n"),
            ["1/0: cannot serve dns://a.org.:53 - zone overlap listener capacity with dns://a.org.:53 on 10.0.0.1"]
        );
        // A view bound to an address overlaps an unbound default block.
        let text = format!("a.org {{\nwhoami\n}}\na.org {{\nbind 10.0.0.1\n{VIEW}}}\n");
        assert_eq!(
            messages(&text),
            ["1/0: cannot serve dns://a.org.:53 on 10.0.0.1 - zone overlap listener capacity with dns://a.org.:53"]
        );
        // `except` removes an address; other ports and transports are other listeners.
        assert!(messages("a.org {\nbind 10.0.0.1 10.0.0.2 {\nexcept 10.0.0.2\n}\n}\na.org {\nbind 10.0.0.2\n}\na.org:54 {\n}\ntls://a.org {\n}\n").is_empty());
    }

    #[test]
    fn interface_names_are_not_compared() {
        assert!(
            messages("a.org {\nbind lo\n}\na.org {\nbind eth0\n}\na.org {\nwhoami\n}\n").is_empty()
        );
    }
}
