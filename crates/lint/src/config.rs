//! Reading `gblint.toml` into [`Settings`]: strict validation (unknown keys are errors with a
//! did-you-mean, and every rule selector must select a rule of the registry).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use gblint_diagnostics::Severity;
use serde::Deserialize;

use crate::paths::PathPatterns;
use crate::registry::check_selector;
use crate::settings::{
    did_you_mean, BaselineSettings, CaddySettings, Fail2banSettings, Limits, NetworkSettings,
    RuleSelection, Settings, WriteSettings, KNOWN_KEYS, ROLES,
};

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
    write: WriteSettings,
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
            write: raw.write,
            no_inline_ignores: false,
            exclude,
            per_path_ignores,
            anchor: None,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::DEFAULT_INTERNAL;

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
