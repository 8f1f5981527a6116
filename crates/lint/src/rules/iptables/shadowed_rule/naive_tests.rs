//! IPT003 against a brute-force search. On generated chains (interfaces, protocols,
//! networks, fragments, tcp/udp ports, multiport lists, conntrack and state states,
//! comments, a module IPT003 does not compare, every kind of target; IPv4 and IPv6), the
//! findings of the indexed walk over integer keys must be exactly those of trying every
//! earlier rule, in the order the walk reads its indexes, with the rule comparison written
//! on the rules' own strings.

use std::collections::HashSet;

use gblint_diagnostics::FileId;
use gblint_iptables::ruleset::{replay, PlacedRule, ReplayOptions};
use gblint_iptables::values::parse_port_range;
use gblint_iptables::{Address, Addresses, Family, MatchRef, Neg, ProblemKind, Rule};
use ipnet::IpNet;

use super::{check_chain, BUDGET};
use crate::rules::iptables::rule_keys::is_terminal;

/// xorshift64*: a fixed sequence, so that a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// One generated rule of chain `FORWARD` (both `-i` and `-o` are allowed there).
fn rule_line(rng: &mut Rng, family: Family) -> String {
    let (sources, destinations): (&[&str], &[&str]) = match family {
        Family::V4 => (
            &[
                "",
                "",
                "-s 10.0.0.0/8",
                "-s 10.1.0.0/16",
                "-s 10.1.2.0/24",
                "-s 10.1.2.3/32",
                "-s 10.1.2.3",
                "-s 10.1.3.0/24",
                "! -s 10.1.0.0/16",
                "-s 10.1.2.0/24,10.9.0.0/16",
                "-s 0.0.0.0/0",
                "-s 10.0.2.0/255.0.255.0",
            ],
            &[
                "",
                "",
                "",
                "-d 192.168.0.0/16",
                "-d 192.168.1.0/24",
                "-d 192.168.2.0/24",
                "-d 192.168.1.1",
                "! -d 192.168.1.1",
            ],
        ),
        _ => (
            &[
                "",
                "",
                "-s 2001:db8::/32",
                "-s 2001:db8:1::/48",
                "-s 2001:db8:1::1",
                "-s 2001:db8:2::/48",
                "! -s 2001:db8::/32",
                "-s ::/0",
            ],
            &[
                "",
                "",
                "",
                "-d fd00::/8",
                "-d fd00:1::/32",
                "-d fd00:2::/32",
                "-d fd00::1",
                "! -d fd00::1",
            ],
        ),
    };
    let mut parts = vec![
        "-A FORWARD".to_string(),
        rng.pick(&[
            "",
            "",
            "",
            "-i eth0",
            "-i eth+",
            "-i eth1",
            "! -i eth0",
            "-i e+",
            "-i lo",
        ])
        .to_string(),
        rng.pick(&["", "", "", "", "-o eth0", "-o eth+", "! -o eth1"])
            .to_string(),
    ];
    let protocol = rng.pick(&[
        "", "-p tcp", "-p tcp", "-p tcp", "-p udp", "-p all", "! -p tcp", "-p icmp",
    ]);
    parts.push(protocol.to_string());
    parts.push(rng.pick(sources).to_string());
    parts.push(rng.pick(destinations).to_string());
    if family == Family::V4 {
        parts.push(
            rng.pick(&["", "", "", "", "", "", "", "", "-f", "! -f"])
                .to_string(),
        );
    }
    if matches!(protocol, "-p tcp" | "-p udp") {
        let name = &protocol[3..];
        let explicit = rng.next() % 2 == 0;
        let mut options = vec![
            rng.pick(&[
                "",
                "--dport 22",
                "--dport 80",
                "--dport 20:30",
                "--dport 1:1024",
                "--dport 443",
                "! --dport 22",
            ])
            .to_string(),
            rng.pick(&["", "", "", "--sport 1024:65535", "--sport 53"])
                .to_string(),
        ];
        if name == "tcp" && rng.next() % 10 == 0 {
            options.push("--syn".to_string());
        }
        let options = options.join(" ");
        if !options.trim().is_empty() {
            if explicit {
                parts.push(format!("-m {name}"));
            }
            parts.push(options);
        }
        parts.push(
            rng.pick(&[
                "",
                "",
                "-m multiport --dports 22,80",
                "-m multiport --dports 80,443,8080",
                "-m multiport --dports 20:30,80",
                "-m multiport --dports 22,80,443,8080,1000:2000",
                "-m multiport --dports 80",
                "-m multiport --sports 1000:2000",
                "-m multiport --ports 22",
                "-m multiport ! --dports 22",
            ])
            .to_string(),
        );
    }
    parts.push(
        rng.pick(&[
            "",
            "",
            "",
            "-m conntrack --ctstate NEW",
            "-m conntrack --ctstate NEW,ESTABLISHED",
            "-m conntrack --ctstate RELATED,ESTABLISHED",
            "-m conntrack --ctstate INVALID",
            "-m conntrack ! --ctstate NEW",
            "-m conntrack --ctstate NEW --ctdir ORIGINAL",
            "-m state --state NEW",
            "-m state --state NEW,ESTABLISHED",
        ])
        .to_string(),
    );
    parts.push(
        rng.pick(&[
            "",
            "",
            "",
            "-m comment --comment x",
            "-m limit --limit 5/min",
        ])
        .to_string(),
    );
    parts.push(
        rng.pick(&[
            "-j ACCEPT",
            "-j ACCEPT",
            "-j DROP",
            "-j DROP",
            "-j REJECT",
            "-j RETURN",
            "-j LOG",
            "-j X",
            "-g X",
        ])
        .to_string(),
    );
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// The single destination port of a tcp/udp match, as the index files a later rule.
fn single_dport(rule: &Rule) -> Option<u16> {
    rule.matches()
        .filter(|m| matches!(m.name, "tcp" | "udp"))
        .find_map(|m| {
            let option = m.opt("dport").filter(|o| !o.negated)?;
            let (low, high) = parse_port_range(option.args.first()?)?;
            (low == high).then_some(low)
        })
}

/// The ports an earlier rule is filed under: its single port, or its first multiport match's
/// `--dports` when every item is one port; `None`: filed under "any port".
fn dport_list(rule: &Rule) -> Option<Vec<u16>> {
    if let Some(port) = single_dport(rule) {
        return Some(vec![port]);
    }
    let multiport = rule.find_match("multiport")?;
    let option = multiport.opt("dports").filter(|o| !o.negated)?;
    option
        .args
        .first()?
        .split(',')
        .map(|item| {
            parse_port_range(item)
                .filter(|(low, high)| low == high)
                .map(|(low, _)| low)
        })
        .collect()
}

/// Every port range of `narrow` inside one range of `wide`.
fn ranges_within(narrow: &str, wide: &str) -> bool {
    let wide: Vec<(u16, u16)> = wide.split(',').filter_map(parse_port_range).collect();
    narrow.split(',').all(|item| {
        parse_port_range(item)
            .is_some_and(|(lo, hi)| wide.iter().any(|(a, b)| *a <= lo && hi <= *b))
    })
}

/// Whether `narrow` implies `wide`, on strings.
fn implies(narrow: &MatchRef<'_>, wide: &MatchRef<'_>) -> bool {
    if wide.name == "multiport" && matches!(narrow.name, "tcp" | "udp") {
        return wide.options.iter().all(|w| {
            let side = match w.name {
                "dports" => "dport",
                "sports" => "sport",
                _ => return false,
            };
            !w.negated
                && narrow.opt(side).is_some_and(|n| {
                    !n.negated
                        && n.args
                            .first()
                            .zip(w.args.first())
                            .is_some_and(|(n, w)| ranges_within(n, w))
                })
        });
    }
    narrow.name == wide.name
        && wide.options.iter().all(|w| {
            narrow.options.iter().any(|n| {
                if n.name != w.name {
                    return false;
                }
                if n.negated == w.negated && n.args == w.args {
                    return true;
                }
                let (Some(na), Some(wa)) = (n.args.first(), w.args.first()) else {
                    return false;
                };
                !n.negated
                    && !w.negated
                    && match (wide.name, w.name) {
                        ("tcp" | "udp", "dport" | "sport")
                        | ("multiport", "dports" | "sports" | "ports") => ranges_within(na, wa),
                        ("conntrack", "ctstate") | ("state", "state") => {
                            na.split(',').all(|s| wa.split(',').any(|w| w == s))
                        }
                        _ => false,
                    }
            })
        })
}

/// Whether `wide` decides every packet `narrow` matches, on strings.
fn covers(wide: &Rule, narrow: &Rule) -> bool {
    if !is_terminal(wide) {
        return false;
    }
    for (a, b) in [
        (wide.in_iface(), narrow.in_iface()),
        (wide.out_iface(), narrow.out_iface()),
    ] {
        let ok = match (a, b) {
            (None, _) => true,
            (Some(a), Some(b)) if a == b => true,
            (Some(a), Some(b)) => {
                !a.negated
                    && !b.negated
                    && a.value
                        .strip_suffix('+')
                        .is_some_and(|p| b.value.trim_end_matches('+').starts_with(p))
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    let protocol = match (wide.protocol(), narrow.protocol()) {
        (None, _) => true,
        (Some(a), _) if !a.negated && a.value == "all" => true,
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    if !protocol || wide.fragment().is_some() && wide.fragment() != narrow.fragment() {
        return false;
    }
    for (a, b) in [
        (wide.source(), narrow.source()),
        (wide.destination(), narrow.destination()),
    ] {
        let ok = match (&a, &b) {
            (None, _) => true,
            (Some(a), Some(b)) if a == b => true,
            (Some(_), Some(_)) => match (single_net(a.as_ref()), single_net(b.as_ref())) {
                (Some(outer), Some(inner)) => outer.contains(&inner),
                _ => false,
            },
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    wide.matches()
        .all(|m| m.name == "comment" || narrow.matches().any(|n| implies(&n, &m)))
}

/// The (later, earlier) pairs IPT003 must report on `rules`: for each rule with one source
/// network or none, every earlier terminal rule filed under no source or a source containing
/// it is tried, no source first, then the longest prefix first; rules filed under the later
/// rule's single port before those filed under any port; each in chain order.
///
/// Each candidate tried costs one unit of `budget`; when none is left, the rest of the chain
/// is not searched (the flag says so).
fn brute_force(rules: &[PlacedRule], mut budget: usize) -> (Vec<(usize, usize)>, bool) {
    let filed_key = |rule: &Rule| -> Option<Option<IpNet>> {
        let source = rule.source();
        match (&source, single_net(source.as_ref())) {
            (None, _) => Some(None),
            (_, Some(net)) => Some(Some(net)),
            _ => None,
        }
    };
    let mut found = Vec::new();
    let mut reported = HashSet::new();
    for (index, later) in rules.iter().enumerate() {
        let Some(source) = filed_key(&later.rule) else {
            continue;
        };
        let mut keys = vec![None];
        if let Some(net) = source {
            for len in (0..=net.prefix_len()).rev() {
                keys.push(Some(
                    IpNet::new(net.addr(), len).expect("shorter prefix").trunc(),
                ));
            }
        }
        let port = single_dport(&later.rule);
        let earlier = &rules[..index];
        let mut hit = None;
        'keys: for key in keys {
            let filed: Vec<usize> = (0..index)
                .filter(|j| {
                    is_terminal(&earlier[*j].rule) && filed_key(&earlier[*j].rule) == Some(key)
                })
                .collect();
            // A rule listing a port twice is filed twice under it.
            let order: Vec<usize> = match port {
                Some(p) => filed
                    .iter()
                    .copied()
                    .flat_map(|j| {
                        let times = dport_list(&earlier[j].rule)
                            .map_or(0, |ports| ports.iter().filter(|q| **q == p).count());
                        std::iter::repeat_n(j, times)
                    })
                    .chain(
                        filed
                            .iter()
                            .copied()
                            .filter(|j| dport_list(&earlier[*j].rule).is_none()),
                    )
                    .collect(),
                None => filed,
            };
            for j in order {
                if budget == 0 {
                    return (found, true);
                }
                budget -= 1;
                if covers(&earlier[j].rule, &later.rule) {
                    hit = Some(j);
                    break 'keys;
                }
            }
        }
        if let Some(j) = hit {
            if rules[j].line != later.line && reported.insert(later.line) {
                found.push((index, j));
            }
        }
    }
    (found, false)
}

/// Chains the generator rarely makes, as the first cases. The first: the last rule is
/// covered by line 3 and line 2, which need different modules (IPT003 files them apart) and
/// of which the later-walked one comes first in the chain: line 2 must be reported.
const FIXED: [&str; 1] = ["-A FORWARD -p tcp --dport 80 -j ACCEPT
-A FORWARD -p tcp -j DROP
-A FORWARD -p tcp --dport 1:1024 -j ACCEPT
-A FORWARD -p tcp --dport 20:30 -j ACCEPT
"];

#[test]
fn findings_equal_a_brute_force_search() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut findings, mut files, mut cut_short) = (0, 0, 0);
    for case in 0..600 {
        let family = if case % 4 == 3 {
            Family::V6
        } else {
            Family::V4
        };
        let count = 10 + rng.next() % 40;
        let mut text = String::from("*filter\n:FORWARD ACCEPT [0:0]\n:X - [0:0]\n");
        match FIXED.get(case) {
            Some(rules) => text.push_str(rules),
            None => {
                for _ in 0..count {
                    text.push_str(&rule_line(&mut rng, family));
                    text.push('\n');
                }
            }
        }
        text.push_str("COMMIT\n");
        let parsed = gblint_iptables::parse(&text, family);
        if parsed
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Syntax)
        {
            continue;
        }
        files += 1;
        let ruleset = replay(&parsed, ReplayOptions::default());
        let rules = &ruleset
            .table("filter")
            .expect("filter")
            .chain("FORWARD")
            .expect("FORWARD")
            .rules;
        // The real budget, then small ones: the chain must stop where visiting the
        // candidates one by one would have run out.
        let small = count * count / 4 + 1;
        let budgets = [
            BUDGET,
            0,
            (rng.next() % small) as usize,
            (rng.next() % small) as usize,
        ];
        for budget in budgets {
            let mut out = Vec::new();
            check_chain(rules, FileId(0), budget, &mut out);
            let got: Vec<_> = out
                .iter()
                .map(|d| {
                    (
                        d.range,
                        d.labels.first().map(|l| l.range),
                        d.message.clone(),
                    )
                })
                .collect();
            let (pairs, ran_out) = brute_force(rules, budget);
            let want: Vec<_> = pairs
                .into_iter()
                .map(|(later, earlier)| {
                    let (later, earlier) = (&rules[later], &rules[earlier]);
                    let target = earlier.rule.target().map_or("?", |t| t.name);
                    (
                        later.range,
                        Some(earlier.range),
                        format!(
                            "this rule never matches: line {} already decides every packet it would match ({target})",
                            earlier.line
                        ),
                    )
                })
                .collect();
            assert_eq!(got, want, "case {case}, budget {budget}:\n{text}");
            if budget == BUDGET {
                assert!(!ran_out, "case {case} ran out of the real budget");
                findings += want.len();
            } else if ran_out && !want.is_empty() {
                cut_short += 1;
            }
        }
    }
    // The generator must give the search something to find, in files that read.
    assert!(files >= 540, "only {files} of 600 generated files read");
    assert!(findings >= 600, "only {findings} findings in {files} files");
    assert!(
        cut_short >= 100,
        "only {cut_short} runs stopped by a budget after a finding"
    );
}

/// The single network of `-s`/`-d` when it is one, not negated.
fn single_net(field: Option<&Neg<Addresses>>) -> Option<IpNet> {
    match field {
        Some(Neg {
            negated: false,
            value,
        }) if value.len() == 1 => match &value[0] {
            Address::Net(net) => Some(*net),
            _ => None,
        },
        _ => None,
    }
}
