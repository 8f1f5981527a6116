//! `gblint.toml`: loading, strict validation (unknown keys are errors with a did-you-mean) and
//! the effective settings a run uses.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use gblint_diagnostics::Severity;
use serde::Deserialize;

use crate::paths::PathPatterns;
use crate::registry;

/// Name of the configuration file at a deployment root.
pub const CONFIG_FILE: &str = "gblint.toml";

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

/// A configuration problem: gblint cannot do its job (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// One-line cause.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    deployment: RawDeployment,
    #[serde(default)]
    machines: BTreeMap<String, RawMachine>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    caddy: CaddySettings,
    #[serde(default)]
    network: RawNetwork,
    #[serde(default)]
    fail2ban: Fail2banSettings,
    #[serde(default)]
    baseline: BaselineSettings,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    per_path_ignores: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawLimits {
    max_file_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawDeployment {
    tenant: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawMachine {
    role: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawRules {
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    extend_select: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawNetwork {
    internal: Option<Vec<String>>,
    internal_ports: Option<Vec<u16>>,
}

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
    /// Read and validate a configuration file.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let bytes = gblint_diagnostics::read::read_limited(
            path,
            gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
        )
        .map_err(|err| ConfigError {
            path: path.to_path_buf(),
            message: format!("cannot read: {err}"),
        })?;
        let text = String::from_utf8(bytes).map_err(|err| ConfigError {
            path: path.to_path_buf(),
            message: format!(
                "not valid UTF-8 (first invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ),
        })?;
        let mut settings = Settings::parse(&text).map_err(|message| ConfigError {
            path: path.to_path_buf(),
            message,
        })?;
        settings.config_path = Some(path.to_path_buf());
        settings.anchor = crate::paths::anchor_of(Some(path));
        Ok(settings)
    }

    /// Parse and validate configuration text.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let value: toml::Table = text
            .parse::<toml::Table>()
            .map_err(|err| first_line(&err.to_string()))?;
        check_keys("", &value)?;
        let raw: RawConfig = toml::from_str(text).map_err(|err| value_error(text, &err))?;
        let mut machine_roles = BTreeMap::new();
        for (name, machine) in raw.machines {
            if let Some(role) = machine.role {
                if !ROLES.contains(&role.as_str()) {
                    return Err(format!(
                        "[machines.{name}] role = \"{role}\" is not a known role{}; known roles: {}",
                        did_you_mean(&role, ROLES.iter().copied()),
                        ROLES.join(", ")
                    ));
                }
                machine_roles.insert(name, role);
            }
        }
        let mut severity = BTreeMap::new();
        for (code, level) in raw.rules.severity {
            check_selector(&code, "[rules.severity]")?;
            let parsed = Severity::parse(&level)
                .ok_or_else(|| format!("[rules.severity] {code} = \"{level}\": expected \"error\", \"warning\" or \"info\""))?;
            severity.insert(code, parsed);
        }
        let select = raw.rules.select;
        for code in select.iter().flatten() {
            check_selector(code, "[rules] select")?;
        }
        for code in &raw.rules.extend_select {
            check_selector(code, "[rules] extend-select")?;
        }
        for code in &raw.rules.ignore {
            check_selector(code, "[rules] ignore")?;
        }
        let exclude = PathPatterns::new(&raw.exclude, "exclude")?;
        let mut per_path_ignores = Vec::new();
        for (pattern, selectors) in raw.per_path_ignores {
            let place = format!("[per-path-ignores] \"{pattern}\"");
            for selector in &selectors {
                check_selector(selector, &place)?;
            }
            per_path_ignores.push((
                PathPatterns::new(std::slice::from_ref(&pattern), &place)?,
                selectors,
            ));
        }
        let defaults = NetworkSettings::default();
        Ok(Settings {
            config_path: None,
            tenant: raw.deployment.tenant,
            machine_roles,
            rules: RuleSelection {
                select,
                extend_select: raw.rules.extend_select,
                ignore: raw.rules.ignore,
                severity,
            },
            caddy: raw.caddy,
            network: NetworkSettings {
                internal: raw.network.internal.unwrap_or(defaults.internal),
                internal_ports: raw
                    .network
                    .internal_ports
                    .unwrap_or(defaults.internal_ports),
            },
            fail2ban: raw.fail2ban,
            baseline: raw.baseline,
            limits: Limits {
                max_file_bytes: match raw.limits.max_file_bytes {
                    Some(0) => return Err("[limits] max-file-bytes must be at least 1".into()),
                    Some(bytes) => bytes,
                    None => Limits::DEFAULT_MAX_FILE_BYTES,
                },
            },
            no_inline_ignores: false,
            exclude,
            per_path_ignores,
            anchor: None,
        })
    }
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

/// A value of the wrong type, named by its table and key and the type expected: `line 2:
/// [limits] max-file-bytes: invalid type: string "big", expected u64` rather than toml's bare
/// position (the syntax was already checked, so the error's span is the offending value).
fn value_error(text: &str, err: &toml::de::Error) -> String {
    // serde's words for TOML's types.
    let message = first_line(err.message())
        .replace("a sequence", "an array")
        .replace("a map", "a table")
        .replace("expected u64", "expected a non-negative integer")
        .replace("expected u32", "expected a non-negative integer")
        .replace("expected u16", "expected an integer from 0 to 65535");
    let Some(span) = err.span() else {
        return first_line(&err.to_string());
    };
    let before = &text[..span.start.min(text.len())];
    let line_number = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = line.split('\n').next().unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches('"').to_owned())
        .filter(|key| !key.is_empty() && !key.starts_with('['));
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'));
    match (table, key) {
        (Some(table), Some(key)) => format!("line {line_number}: {table} {key}: {message}"),
        (None, Some(key)) => format!("line {line_number}: {key}: {message}"),
        _ => format!("line {line_number}: {message}"),
    }
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text);
    line.trim().trim_end_matches('.').to_owned()
}

/// Reject a selector (`CDY001`, `CDY`, `CDY0`, `load`, `ALL`) that matches no rule.
pub(crate) fn check_selector(selector: &str, place: &str) -> Result<(), String> {
    if registry::matches_any(selector) {
        return Ok(());
    }
    let codes = registry::all()
        .iter()
        .map(|rule| rule.meta().code)
        .chain(gblint_diagnostics::Category::ALL.map(|category| category.as_str()));
    Err(format!(
        "{place}: `{selector}` matches no rule{}",
        did_you_mean(selector, codes)
    ))
}

fn check_keys(table: &str, value: &toml::Table) -> Result<(), String> {
    let pattern = if table.starts_with("machines.") {
        "machines.*"
    } else {
        table
    };
    let known = KNOWN_KEYS
        .iter()
        .find(|(name, _)| *name == pattern)
        .map(|(_, keys)| *keys);
    for (key, inner) in value {
        let path = if table.is_empty() {
            key.clone()
        } else {
            format!("{table}.{key}")
        };
        match known {
            Some(keys) if keys.contains(&key.as_str()) => {}
            Some(keys) => {
                let place = if table.is_empty() {
                    "at the top level".to_owned()
                } else {
                    format!("in [{table}]")
                };
                return Err(format!(
                    "unknown key `{key}` {place}{}",
                    did_you_mean(key, keys.iter().copied())
                ));
            }
            // Tables whose keys are names: machines, rules.severity.
            None => {}
        }
        if let toml::Value::Table(inner) = inner {
            if path == "rules.severity" {
                continue;
            }
            check_keys(&path, inner)?;
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_shape() {
        let settings = Settings::parse(
            r#"
            [deployment]
            tenant = "pragmatismo"
            [machines.pragmatismo-edge]
            role = "proxy"
            [rules]
            select = ["CDY"]
            ignore = ["CDY005"]
            [rules.severity]
            CDY001 = "warning"
            [caddy]
            storage-root = "/opt/gbo/data/caddy"
            min-vhosts = 20
            plugins = ["rate_limit", "dns.providers.cloudflare"]
            [network]
            internal-ports = [6379, 5432]
            "#,
        )
        .expect("valid");
        assert_eq!(settings.tenant.as_deref(), Some("pragmatismo"));
        assert_eq!(settings.machine_roles["pragmatismo-edge"], "proxy");
        assert_eq!(settings.rules.severity["CDY001"], Severity::Warning);
        assert_eq!(settings.caddy.min_vhosts, Some(20));
        assert_eq!(
            settings.caddy.plugins,
            ["rate_limit", "dns.providers.cloudflare"]
        );
        assert_eq!(settings.network.internal_ports, vec![6379, 5432]);
        assert_eq!(settings.network.internal, DEFAULT_INTERNAL);
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let error = Settings::parse("[caddy]\nstorage_root = \"/x\"\n").unwrap_err();
        assert_eq!(
            error,
            "unknown key `storage_root` in [caddy]; did you mean `storage-root`?"
        );
        let error = Settings::parse("[rule]\nselect = []\n").unwrap_err();
        assert_eq!(
            error,
            "unknown key `rule` at the top level; did you mean `rules`?"
        );
        let error = Settings::parse("[rules]\nignore = [\"CDY999\"]\n").unwrap_err();
        assert!(
            error.starts_with("[rules] ignore: `CDY999` matches no rule"),
            "{error}"
        );
        let error = Settings::parse("[machines.x]\nrole = \"proxi\"\n").unwrap_err();
        assert!(error.contains("did you mean `proxy`?"), "{error}");
    }
}
