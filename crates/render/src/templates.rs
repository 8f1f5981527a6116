//! The template set: the files of `templates/` embedded in the binary, optionally overridden
//! file by file from a folder (`--templates DIR`), and the minijinja environment that renders
//! them. Undefined values are errors (a typo in a template must not render as an empty
//! string), auto-escaping is off (none of the formats is HTML), and nothing a template can
//! call reads files or the network: includes resolve only inside the template set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::error::RenderError;
use crate::filters;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../templates/", $name)))),*]
    };
}

/// Every template shipped with gblint, by name relative to `templates/`.
pub const EMBEDDED: &[(&str, &str)] = embed![
    "caddy/Caddyfile.j2",
    "coredns/Corefile.j2",
    "coredns/zone.j2",
    "cron/ci-cache-clean.j2",
    "cron/zfs-snapshots.j2",
    "fail2ban/caddy-http-flood.conf.j2",
    "fail2ban/defaults-debian.conf.j2",
    "fail2ban/email-jail.local.j2",
    "fail2ban/host-jail.local.j2",
    "fail2ban/proxy-jail.local.j2",
    "fail2ban/stalwart.conf.j2",
    "gblint/gblint.toml.j2",
    "iptables/rules.v4.j2",
    "iptables/rules.v6.j2",
    "ssh/runner-config.j2",
    "lxd/instance.yaml.j2",
    "systemd/_environment.j2",
    "systemd/_install.j2",
    "systemd/_logs.j2",
    "systemd/_unit.j2",
    "systemd/dns.service.j2",
    "systemd/proxy.service.j2",
    "systemd/service.j2",
    "timer/ci-cache-clean.service.j2",
    "timer/ci-cache-clean.timer.j2",
    "timer/zfs-snapshots.service.j2",
    "timer/zfs-snapshots.timer.j2",
    "ufw/ufw.j2",
    "workflow/deploy.yaml.j2",
];

/// The template texts a render uses, by name.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    sources: BTreeMap<String, String>,
    /// Templates replaced from `--templates`, with the file each came from.
    overrides: BTreeMap<String, PathBuf>,
}

impl TemplateSet {
    /// The embedded templates.
    pub fn embedded() -> Self {
        TemplateSet {
            sources: EMBEDDED
                .iter()
                .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                .collect(),
            overrides: BTreeMap::new(),
        }
    }

    /// The embedded templates, with every `*.j2` file under `dir` replacing (or adding) the
    /// template of the same relative name.
    pub fn with_overrides(dir: &Path) -> Result<Self, RenderError> {
        let mut set = TemplateSet::embedded();
        if !dir.is_dir() {
            return Err(RenderError::Usage(format!(
                "{}: templates folder not found",
                dir.display()
            )));
        }
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            let entries = std::fs::read_dir(&folder)
                .map_err(|err| RenderError::Usage(format!("{}: {err}", folder.display())))?;
            for entry in entries {
                let entry = entry
                    .map_err(|err| RenderError::Usage(format!("{}: {err}", folder.display())))?;
                let path = entry.path();
                let kind = entry
                    .file_type()
                    .map_err(|err| RenderError::Usage(format!("{}: {err}", path.display())))?;
                if kind.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "j2") {
                    let Ok(relative) = path.strip_prefix(dir) else {
                        continue;
                    };
                    let name = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let text = crate::read_text(&path)?;
                    set.sources.insert(name.clone(), text);
                    set.overrides.insert(name, path);
                }
            }
        }
        Ok(set)
    }

    /// Whether a template of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The minijinja environment over this set, with gblint's filters.
    pub fn environment(&self) -> Result<Environment<'_>, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        filters::register(&mut env);
        for (name, text) in &self.sources {
            env.add_template(name, text)
                .map_err(|err| self.error(&err))?;
        }
        Ok(env)
    }

    /// A template error naming where the template came from (`templates/NAME` when
    /// embedded, the file when overridden), its line, and the expression that failed (an
    /// undefined variable names itself).
    pub fn error(&self, err: &minijinja::Error) -> RenderError {
        let name = err.name().unwrap_or("<template>");
        let file = match self.overrides.get(name) {
            Some(path) => path.display().to_string(),
            None => format!("templates/{name}"),
        };
        let location = match err.line() {
            Some(line) => format!("{file}:{line}"),
            None => file,
        };
        let expression = err
            .range()
            .zip(self.sources.get(name))
            .and_then(|(range, source)| source.get(range))
            .map(str::trim)
            .filter(|text| !text.is_empty() && !text.contains('\n'));
        let mut detail = match err.detail() {
            Some(detail) => format!("{}: {detail}", err.kind()),
            None => err.kind().to_string(),
        };
        if let Some(expression) = expression {
            detail.push_str(&format!(" in `{expression}`"));
        }
        RenderError::Template(format!("{location}: {detail}"))
    }
}
