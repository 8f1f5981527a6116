//! The effective settings a run uses (what `gblint.toml` and the command line say), with the
//! keys and roles the configuration knows. Reading and validating the file is
//! [`crate::config`]'s: it needs the rule registry to check selectors, and the rules read
//! these settings, so the two live apart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gblint_diagnostics::Severity;
use serde::Deserialize;

use crate::paths::PathPatterns;

/// Name of the configuration file at a deployment root.
pub const CONFIG_FILE: &str = "gblint.toml";

/// Default name of the baseline file. Here, beside [`CONFIG_FILE`], because discovery needs
/// both names (it never lints gblint's own files) and must not depend on the baseline module.
pub const BASELINE_FILE: &str = "gblint.baseline.json";

/// Every key the configuration accepts, by table. `*` stands for any machine name or rule code.
pub const KNOWN_KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "deployment",
            "machines",
            "rules",
            "caddy",
            "network",
            "fail2ban",
            "baseline",
            "limits",
            "write",
            "exclude",
            "per-path-ignores",
        ],
    ),
    ("deployment", &["tenant"]),
    ("machines.*", &["role"]),
    ("rules", &["select", "ignore", "extend-select", "severity"]),
    ("caddy", &["storage-root", "min-vhosts", "plugins"]),
    ("network", &["internal", "internal-ports"]),
    (
        "fail2ban",
        &["flood-maxretry", "flood-findtime", "flood-bantime"],
    ),
    ("baseline", &["file"]),
    ("limits", &["max-file-bytes"]),
    ("write", &["backup"]),
];

/// Roles a machine may have.
pub(crate) const ROLES: &[&str] = &[
    "host",
    "proxy",
    "system",
    "dns",
    "email",
    "webmail",
    "alm",
    "alm-ci",
    "drive",
    "tables",
    "table-editor",
    "directory",
    "cache",
    "vault",
    "vectordb",
    "llm",
    "meet",
    "bot",
    "doc-editor",
];

/// `[caddy]` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CaddySettings {
    /// The storage root every proxy Caddyfile must use (CDY002).
    pub storage_root: Option<String>,
    /// Fewest site hosts a proxy Caddyfile may have (CDY010).
    pub min_vhosts: Option<u32>,
    /// What the deployment's Caddy build adds to a stock one (CDY013): directive and global
    /// option names (`rate_limit`), module IDs (`dns.providers.cloudflare`,
    /// `http.matchers.remote_host`) or their last part (`cloudflare`).
    #[serde(default)]
    pub plugins: Vec<String>,
}

/// `[network] internal` when no configuration sets it: loopback, the RFC 1918 ranges, shared
/// address space (RFC 6598), unique-local and link-local IPv6 — addresses no stranger on the
/// Internet can send from.
pub(crate) const DEFAULT_INTERNAL: &[&str] = &[
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
    "fe80::/10",
];

/// `[network]` settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Internal source networks (CIDRs).
    pub internal: Vec<String>,
    /// Ports that must never be reachable from outside.
    pub internal_ports: Vec<u16>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            internal: DEFAULT_INTERNAL.iter().map(|n| (*n).to_owned()).collect(),
            internal_ports: vec![6379],
        }
    }
}

/// `[fail2ban]` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Fail2banSettings {
    /// Largest acceptable `maxretry` of the flood jail.
    pub flood_maxretry: Option<u32>,
    /// Smallest acceptable `findtime` of the flood jail, in seconds.
    pub flood_findtime: Option<u64>,
    /// Smallest acceptable `bantime` of the flood jail, in seconds.
    pub flood_bantime: Option<u64>,
}

/// `[baseline]` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BaselineSettings {
    /// Baseline file, relative to the configuration file.
    pub file: Option<String>,
}

/// `[write]`: how `fmt`, `check --fix` and `render` rewrite files.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WriteSettings {
    /// Keep each replaced file as `<file>.bak-YYYYMMDDHHMM` (`backup = false`, or
    /// `--no-backup`, when git already keeps the old version).
    #[serde(default = "keep_backups")]
    pub backup: bool,
}

impl Default for WriteSettings {
    fn default() -> Self {
        WriteSettings { backup: true }
    }
}

fn keep_backups() -> bool {
    true
}

/// `[limits]`: how much gblint reads, so hostile or runaway input ends in a one-line refusal
/// (exit 2) instead of exhausting memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file gblint reads (a checked file, an import, an include), in bytes.
    pub max_file_bytes: u64,
}

impl Limits {
    /// 16 MiB: twice a 100,000-rule iptables dump (7 MB), 20 times a 10,000-site Caddyfile
    /// (752 KB). Parsing keeps tokens and a lossless tree (tens of bytes per input byte), so a
    /// larger default would let one file take gigabytes.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = gblint_caddyfile::import::MAX_FILE_BYTES;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Which rules run and how loud they are, before command-line overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// Replaces the default set when given.
    pub select: Option<Vec<String>>,
    /// Added to the set.
    pub extend_select: Vec<String>,
    /// Removed from the set.
    pub ignore: Vec<String>,
    /// Per-code severity overrides.
    pub severity: BTreeMap<String, Severity>,
}

/// Effective settings of a run.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where the configuration came from, if a file was read.
    pub config_path: Option<PathBuf>,
    /// `[deployment] tenant`.
    pub tenant: Option<String>,
    /// `[machines.NAME] role` overrides.
    pub machine_roles: BTreeMap<String, String>,
    /// Rule selection.
    pub rules: RuleSelection,
    /// `[caddy]`.
    pub caddy: CaddySettings,
    /// `[network]`.
    pub network: NetworkSettings,
    /// `[fail2ban]`.
    pub fail2ban: Fail2banSettings,
    /// `[baseline]`.
    pub baseline: BaselineSettings,
    /// `[limits]` (and `--max-file-bytes`).
    pub limits: Limits,
    /// `[write]`.
    pub write: WriteSettings,
    /// `--no-inline-ignores`.
    pub no_inline_ignores: bool,
    /// `exclude`: files and folders discovery skips when walking folders.
    pub exclude: PathPatterns,
    /// `[per-path-ignores]`: rule selectors switched off for the files matching each pattern.
    pub per_path_ignores: Vec<(PathPatterns, Vec<String>)>,
    /// The canonical folder of the configuration file: where `exclude` and
    /// `[per-path-ignores]` patterns are anchored (`None` without a file).
    pub anchor: Option<PathBuf>,
}

impl Settings {
    /// The selectors `[per-path-ignores]` switches off for a file, by its canonical path.
    pub fn ignored_for(&self, disk: &Path) -> Vec<&str> {
        let Some(relative) = self
            .anchor
            .as_deref()
            .and_then(|anchor| crate::paths::relative_to(disk, anchor))
        else {
            return Vec::new();
        };
        self.per_path_ignores
            .iter()
            .filter(|(pattern, _)| pattern.matches(&relative))
            .flat_map(|(_, selectors)| selectors.iter().map(String::as_str))
            .collect()
    }

    /// Whether `exclude` names a file or folder, by its canonical path.
    pub fn excludes(&self, disk: &Path) -> bool {
        !self.exclude.is_empty()
            && self
                .anchor
                .as_deref()
                .and_then(|anchor| crate::paths::relative_to(disk, anchor))
                .is_some_and(|relative| self.exclude.matches(&relative))
    }
}

/// `; did you mean `x`?` when a candidate is close enough, else nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lowered = word.to_ascii_lowercase().replace('_', "-");
    candidates
        // A word far longer than a candidate cannot score above the threshold, and Jaro is
        // quadratic: a 5 KB garbage directive name took a second against CoreDNS's plugins.
        .filter(|candidate| lowered.len() <= candidate.len() * 2 + 8)
        .map(|candidate| {
            (
                strsim::jaro_winkler(&lowered, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}
