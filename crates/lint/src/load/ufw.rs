//! ufw: `/etc/default/ufw` (an environment file: the policies and `IPV6`), and ufw's real
//! ruleset — the six rule files of `/etc/ufw` replayed the way `ufw-init` loads
//! them (ufw 0.36, `/lib/ufw/ufw-init-functions`), with the policies of `/etc/default/ufw`.
//!
//! For each family ufw-init creates its primary chains and hooks them into INPUT, OUTPUT and
//! FORWARD; adds the REJECT or conntrack-tracking rules the default policies call for; creates
//! the logging and skip-to-policy chains (the latter jumping to the policies); restores
//! `before.rules` and `after.rules` with `-n`; creates the user chains, restores `user.rules`
//! and hooks the user chains into the `before` chains; and last sets the built-in policies
//! (REJECT becomes DROP). Each file keeps its own lines ([`PlacedRule::source`] is its
//! position in [`UfwAssembly::files`], plus one; 0 is ufw-init's own commands).
//!
//! Only a complete set is assembled: `before.rules`, `user.rules` and `after.rules` (or the
//! `6` ones, when `IPV6=yes`) in one `ufw/` folder of a machine whose `/etc/default/ufw` is in
//! the tree. Rules other software adds to the built-in chains are not seen.
//!
//! [`PlacedRule::source`]: gblint_iptables::ruleset::PlacedRule::source

use std::collections::BTreeMap;

use gblint_diagnostics::SourceMap;
use gblint_iptables::ruleset::{replay, replay_onto, ReplayOptions, Ruleset};
use gblint_iptables::{Family, RulesFile};

use super::{inputs_of, Loader};
use crate::deployment::{Deployment, MachineId, UfwAssembly, UfwDoc};
use crate::file_kind::FileKind;

/// The three files of one family, by their stem.
const STEMS: [&str; 3] = ["before", "user", "after"];

/// Read every `/etc/default/ufw` of `deployment`, then assemble ufw's rulesets from them and
/// the parsed rule files (so this runs after [`super::iptables::load`]).
pub fn load(deployment: &mut Deployment, loader: &mut Loader<'_>) {
    for input in inputs_of(deployment, FileKind::Ufw).collect::<Vec<_>>() {
        let file = deployment.files[input].file;
        let (assignments, problems) =
            gblint_systemd::parse_environment_file(loader.sources.get(file).text());
        deployment.ufw.push(UfwDoc {
            input,
            file,
            assignments,
            problems,
        });
    }
    assemble(deployment, loader.sources);
}

/// Assemble every complete ufw configuration of the deployment.
fn assemble(deployment: &mut Deployment, sources: &SourceMap) {
    // (machine, folder, family) → the iptables docs of before/user/after.
    type Key = (Option<MachineId>, String, bool);
    let mut groups: BTreeMap<Key, [Option<usize>; 3]> = BTreeMap::new();
    for (index, doc) in deployment.iptables.iter().enumerate() {
        let shown = deployment.shown_path(doc.input, sources);
        let Some((folder, name)) = shown.rsplit_once('/') else {
            continue;
        };
        if !(folder.ends_with("/ufw") || folder == "ufw") {
            continue;
        }
        let Some(stem) = name.strip_suffix(".rules") else {
            continue;
        };
        let (stem, v6) = match stem.strip_suffix('6') {
            Some(base) => (base, true),
            None => (stem, false),
        };
        let Some(slot) = STEMS.iter().position(|s| *s == stem) else {
            continue;
        };
        let machine = deployment.files[doc.input].machine;
        groups.entry((machine, folder.to_owned(), v6)).or_default()[slot] = Some(index);
    }
    let mut assemblies = Vec::new();
    for ((machine, folder, v6), slots) in groups {
        let [Some(before), Some(user), Some(after)] = slots else {
            continue;
        };
        // `/etc/default/ufw` next to `/etc/ufw`; or, in deployment mode, the machine's own.
        let beside = format!("{}default/ufw", folder.trim_end_matches("ufw"));
        let defaults = deployment
            .ufw
            .iter()
            .position(|u| deployment.shown_path(u.input, sources) == beside)
            .or_else(|| {
                machine?;
                deployment
                    .ufw
                    .iter()
                    .position(|u| deployment.files[u.input].machine == machine)
            });
        let Some(defaults) = defaults else {
            continue;
        };
        let setting = |name: &str| {
            deployment.ufw[defaults]
                .assignments
                .iter()
                .rev()
                .find(|a| a.name == name)
                .map(|a| a.value.to_ascii_uppercase())
        };
        if v6 && setting("IPV6").as_deref() != Some("YES") {
            continue;
        }
        let policy = |name: &str| match setting(name).as_deref() {
            Some(p @ ("ACCEPT" | "DROP" | "REJECT")) => Some(p.to_owned()),
            _ => None,
        };
        let (Some(input), Some(output), Some(forward)) = (
            policy("DEFAULT_INPUT_POLICY"),
            policy("DEFAULT_OUTPUT_POLICY"),
            policy("DEFAULT_FORWARD_POLICY"),
        ) else {
            continue;
        };
        // Every file must read: a file iptables-restore refuses leaves ufw half loaded.
        let files = [before, user, after];
        if files.iter().any(|&i| {
            deployment.iptables[i]
                .rules
                .problems
                .iter()
                .any(|p| p.kind == gblint_iptables::ProblemKind::Syntax)
        }) {
            continue;
        }
        let family = if v6 { Family::V6 } else { Family::V4 };
        let [b, u, a] = files.map(|i| &deployment.iptables[i].rules);
        let ruleset = ufw_init(family, [b, u, a], [&input, &output, &forward]);
        assemblies.push(UfwAssembly {
            machine,
            family,
            files: files.to_vec(),
            defaults,
            ruleset,
        });
    }
    deployment.ufw_rulesets = assemblies;
}

/// ufw-init's start sequence for one family over its `before`, `user` and `after` files;
/// `policies` are `DEFAULT_INPUT_POLICY`, `DEFAULT_OUTPUT_POLICY` and `DEFAULT_FORWARD_POLICY`
/// (`ACCEPT`, `DROP` or `REJECT`). Rules are tagged 1, 2, 3 by file, 0 for ufw-init's own.
pub fn ufw_init(
    family: Family,
    [before, user, after]: [&RulesFile; 3],
    policies: [&str; 3],
) -> Ruleset {
    let p = if family == Family::V6 { "ufw6" } else { "ufw" };
    let hooks = [
        ("INPUT", "input"),
        ("OUTPUT", "output"),
        ("FORWARD", "forward"),
    ];
    // The other tables exist as the kernel starts them; ufw does not touch them.
    let mut init = String::new();
    for table in ["raw", "mangle", "nat"] {
        init.push_str(&format!("*{table}\n"));
        for chain in gblint_iptables::file::builtin_chains(table) {
            init.push_str(&format!(":{chain} ACCEPT [0:0]\n"));
        }
        init.push_str("COMMIT\n");
    }
    init.push_str("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    for stage in [
        "before-logging",
        "before",
        "after",
        "after-logging",
        "reject",
        "track",
    ] {
        for (_, hook) in hooks {
            init.push_str(&format!(":{p}-{stage}-{hook} - [0:0]\n"));
        }
    }
    for (builtin, hook) in hooks {
        for stage in [
            "before-logging",
            "before",
            "after",
            "after-logging",
            "reject",
            "track",
        ] {
            init.push_str(&format!("-A {builtin} -j {p}-{stage}-{hook}\n"));
        }
    }
    for ((_, hook), policy) in hooks.iter().zip(policies) {
        match policy {
            "REJECT" => init.push_str(&format!("-A {p}-reject-{hook} -j REJECT\n")),
            "ACCEPT" => {
                for proto in ["tcp", "udp"] {
                    init.push_str(&format!(
                        "-A {p}-track-{hook} -p {proto} -m conntrack --ctstate NEW -j ACCEPT\n"
                    ));
                }
            }
            _ => {}
        }
    }
    init.push_str(&format!(
        ":{p}-logging-deny - [0:0]\n:{p}-logging-allow - [0:0]\n"
    ));
    for ((_, hook), policy) in hooks.iter().zip(policies) {
        init.push_str(&format!(":{p}-skip-to-policy-{hook} - [0:0]\n"));
        init.push_str(&format!("-A {p}-skip-to-policy-{hook} -j {policy}\n"));
    }
    init.push_str("COMMIT\n");
    let parse = |text: &str| gblint_iptables::parse(text, family);
    let ours = ReplayOptions::default();
    let mut ruleset = replay(&parse(&init), ours);
    let file = |source: u32| ReplayOptions {
        source,
        ..ReplayOptions::default()
    };
    ruleset = replay_onto(&ruleset, before, file(1));
    ruleset = replay_onto(&ruleset, after, file(3));
    let mut users = String::from("*filter\n");
    for stage in ["user", "user-logging"] {
        for (_, hook) in hooks {
            users.push_str(&format!(":{p}-{stage}-{hook} - [0:0]\n"));
        }
    }
    users.push_str(&format!(
        ":{p}-user-limit - [0:0]\n:{p}-user-limit-accept - [0:0]\nCOMMIT\n"
    ));
    ruleset = replay_onto(&ruleset, &parse(&users), ours);
    ruleset = replay_onto(&ruleset, user, file(2));
    let mut hook_users = String::from("*filter\n");
    for (_, hook) in hooks {
        hook_users.push_str(&format!("-A {p}-before-{hook} -j {p}-user-{hook}\n"));
    }
    hook_users.push_str("COMMIT\n");
    ruleset = replay_onto(&ruleset, &parse(&hook_users), ours);
    let builtin = |policy: &str| if policy == "REJECT" { "DROP" } else { policy }.to_owned();
    let last = format!(
        "*filter\n:INPUT {} [0:0]\n:FORWARD {} [0:0]\n:OUTPUT {} [0:0]\nCOMMIT\n",
        builtin(policies[0]),
        builtin(policies[2]),
        builtin(policies[1])
    );
    replay_onto(&ruleset, &parse(&last), ours)
}
