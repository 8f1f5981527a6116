//! A fail2ban configuration directory, merged as fail2ban's client reads it
//! (`configreader.py`, `configparserinc.py`, `jailreader.py`).
//!
//! fail2ban reads one *name* (`jail`, `filter.d/sshd`, …) into one parser: `N.conf`,
//! `N.d/*.conf`, `N.local`, `N.d/*.local`, each expanded with its `[INCLUDES] before/after`
//! files (and every included file followed by its `.local`). Each file is parsed on its own,
//! then merged key by key: a later file overrides single options, never whole sections, and
//! the overridden value stays reachable as `%(known/opt)s`. Interpolation is lazy — it runs
//! when an option is read, in the section it is read from — which is why `action =
//! %(action_)s` in `[DEFAULT]` expands with each jail's own `port` and `logpath`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

// Section names are looked up once per option read: foldhash, not SipHash (no untrusted
// party chooses them to collide; the files are the operator's own).
use foldhash::HashMap;

use gblint_diagnostics::TextRange;

use crate::ini::{parse_ini, py_repr, IniFile, Problem};

/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: usize = 10;

/// Where a value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file, as a key of the map given to [`load`] (shared: every option of a file, in
    /// every jail view, points at the same name).
    pub file: Arc<str>,
    /// 1-based line of the key.
    pub line: u32,
    /// The key in that file.
    pub key_range: TextRange,
    /// The first line's value in that file.
    pub value_range: TextRange,
}

/// One option as fail2ban sees it.
#[derive(Clone)]
pub struct Value {
    /// The merged value before interpolation.
    pub raw: Arc<str>,
    /// The file and line that won the merge.
    pub origin: Origin,
    /// Interpolated on first read, as fail2ban does: a jail inherits ~100 `[DEFAULT]` options
    /// and the rules read a handful, so interpolating all of them eagerly cost most of a
    /// 200-jail check.
    interpolated: OnceLock<Result<String, String>>,
    /// Where to interpolate: the merged parser, the section the value is read in, its key.
    source: Arc<Merged>,
    section: Arc<str>,
    key: Arc<str>,
}

impl Value {
    /// The value after `%(x)s` interpolation, or configparser's error text (missing key,
    /// recursion, a lone `%`). An error here makes fail2ban refuse the configuration.
    pub fn interpolated(&self) -> &Result<String, String> {
        self.interpolated
            .get_or_init(|| match self.source.get(&self.section, &self.key) {
                Some(result) => result,
                None => Err(format!("no option {}", self.key)),
            })
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Value")
            .field("raw", &self.raw)
            .field("interpolated", self.interpolated())
            .field("origin", &self.origin)
            .finish()
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
            && self.origin == other.origin
            && self.interpolated() == other.interpolated()
    }
}

impl Eq for Value {}

/// A jail (or a filter's `[Definition]`) with every option it can read: its own and the
/// `[DEFAULT]` ones it inherits.
///
/// The inherited options are made into [`Value`]s only when read: a jail inherits ~45
/// `[DEFAULT]` options and the rules read a handful, so building all of them for every jail
/// was a fifth of a 200-jail check and most of its memory.
#[derive(Clone)]
pub struct Jail {
    /// The section name.
    pub name: String,
    /// The section's own options (a handful), by lower-case key; they win over `[DEFAULT]`.
    own: BTreeMap<Arc<str>, Value>,
    /// One slot per option of the parser's `[DEFAULT]` (`Merged::default_entries`, same
    /// order), filled on first read.
    inherited: Box<[OnceLock<Box<Value>>]>,
    /// The merged parser the options come from and interpolate in.
    source: Arc<Merged>,
    /// The section name, shared by every value of the view.
    section: Arc<str>,
}

/// Where [`Jail::entries`] found a key.
enum Slot<'j> {
    Own(&'j Value),
    Inherited(usize),
}

impl Jail {
    /// An option by key (any case, as configparser lower-cases keys).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_exact(key).or_else(|| {
            key.bytes()
                .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
                .then(|| self.get_exact(&key.to_lowercase()))
                .flatten()
        })
    }

    /// An option by its stored (lower-case) key.
    fn get_exact(&self, key: &str) -> Option<&Value> {
        if let Some(value) = self.own.get(key) {
            return Some(value);
        }
        let index = self
            .source
            .default_entries()
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()?;
        self.inherited_at(index)
    }

    /// The inherited option in slot `index`; `None` for a builtin (`fail2ban_version`, …),
    /// which interpolation reads but which is no option of the file.
    fn inherited_at(&self, index: usize) -> Option<&Value> {
        let (key, stored) = &self.source.default_entries()[index];
        let origin = stored.origin.as_ref()?;
        let value = self.inherited[index].get_or_init(|| {
            Box::new(Value {
                raw: Arc::clone(&stored.raw),
                origin: origin.clone(),
                interpolated: OnceLock::new(),
                source: Arc::clone(&self.source),
                section: Arc::clone(&self.section),
                key: Arc::clone(key),
            })
        });
        Some(value)
    }

    /// Every option's key and where it is, sorted by key: own options, then the inherited
    /// ones they do not shadow (builtins left out).
    fn entries(&self) -> impl Iterator<Item = (&Arc<str>, Slot<'_>)> {
        let defaults = self.source.default_entries();
        let mut own = self.own.iter().peekable();
        let mut inherited = defaults.iter().enumerate().peekable();
        std::iter::from_fn(move || loop {
            let pick_own = match (own.peek(), inherited.peek()) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some((mine, _)), Some((_, (theirs, _)))) => match (***mine).cmp(&**theirs) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Greater => false,
                    std::cmp::Ordering::Equal => {
                        inherited.next();
                        true
                    }
                },
            };
            if pick_own {
                let (key, value) = own.next()?;
                return Some((key, Slot::Own(value)));
            }
            let (index, (key, stored)) = inherited.next()?;
            if stored.origin.is_some() {
                return Some((key, Slot::Inherited(index)));
            }
        })
    }

    /// The keys of every option, sorted, without making values of them.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.entries().map(|(key, _)| key)
    }

    /// Every option (own and inherited) by lower-case key, sorted by key.
    pub fn options(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> {
        self.entries().filter_map(|(key, slot)| match slot {
            Slot::Own(value) => Some((key, value)),
            Slot::Inherited(index) => self.inherited_at(index).map(|value| (key, value)),
        })
    }

    /// How many options the jail can read.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether it can read none.
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }
}

impl std::fmt::Debug for Jail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Options<'j>(&'j Jail);
        impl std::fmt::Debug for Options<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_map().entries(self.0.options()).finish()
            }
        }
        f.debug_struct("Jail")
            .field("name", &self.name)
            .field("options", &Options(self))
            .finish()
    }
}

impl PartialEq for Jail {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.options().eq(other.options())
    }
}

impl Eq for Jail {}

/// A stored raw value; builtins (`fail2ban_version`, …) have no origin.
#[derive(Clone, Debug)]
struct Stored {
    raw: Arc<str>,
    origin: Option<Origin>,
}

/// Options by lower-case key; the key is shared by every jail view that inherits it.
type Options = BTreeMap<Arc<str>, Stored>;

/// `[DEFAULT]` as a slice sorted by key (see `Merged::default_entries`).
type DefaultEntries = Box<[(Arc<str>, Stored)]>;

/// One parser's merged state: `_defaults` and `_sections` (hidden `KNOWN/<sec>` included).
#[derive(Clone, Debug, Default)]
struct Merged {
    defaults: Options,
    sections: HashMap<String, Options>,
    /// Section names in first-seen order (without `KNOWN/…`).
    order: Vec<String>,
    /// The files read, in read order.
    files: Vec<String>,
    /// `defaults` as a sorted slice, once the parser is complete: [`Jail`]'s inherited
    /// slots are its positions.
    default_entries: OnceLock<DefaultEntries>,
}

/// What [`load_with`] assumes about the installation.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// `%(fail2ban_confpath)s`: the configuration directory (fail2ban's `-c`).
    pub confpath: String,
    /// `%(fail2ban_version)s`.
    pub version: String,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            confpath: "/etc/fail2ban".to_string(),
            version: "1.0.2".to_string(),
        }
    }
}

/// The merged view of a fail2ban configuration directory.
#[derive(Clone, Debug)]
pub struct Config {
    /// Each file's parse, shared with callers that keep the parses ([`Config::shared_file`]).
    parsed: BTreeMap<String, Arc<IniFile>>,
    jail: Arc<Merged>,
    /// Every jail's interpolated view, built on first use: several rules read every jail, and
    /// interpolating ~100 inherited options per jail once per rule dominated a 200-jail check.
    jail_views: OnceLock<Vec<Jail>>,
}

/// Loads a configuration directory given as relative path → text (the caller does the IO),
/// with Debian's defaults for the builtins (see [`LoadOptions`]).
pub fn load<S: AsRef<str>>(files: &BTreeMap<String, S>) -> Config {
    load_with(files, &LoadOptions::default())
}

/// [`load`] with explicit builtins.
/// The texts may be borrowed (`&str`): nothing here keeps them.
pub fn load_with<S: AsRef<str>>(files: &BTreeMap<String, S>, options: &LoadOptions) -> Config {
    let parsed: BTreeMap<String, Arc<IniFile>> = files
        .iter()
        .map(|(path, text)| (normalize(path), Arc::new(parse_ini(text.as_ref()))))
        .collect();
    let mut config = Config {
        parsed,
        jail: Arc::default(),
        jail_views: OnceLock::new(),
    };
    let mut jail = config.read("jail").unwrap_or_default();
    // JailReader.getOptions: merge_defaults before any interpolation.
    for (key, value) in [
        ("fail2ban_version", &options.version),
        ("fail2ban_confpath", &options.confpath),
    ] {
        jail.defaults.insert(
            Arc::from(key),
            Stored {
                raw: Arc::from(value.as_str()),
                origin: None,
            },
        );
    }
    config.jail = Arc::new(jail);
    config
}

/// `a/./b/../c` → `a/c` (the filesystem resolves these when fail2ban opens a path).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn dirname(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// `os.path.splitext(path)[0] + '.local'`.
fn local_of(path: &str) -> String {
    let base_start = path.rfind('/').map_or(0, |i| i + 1);
    let base = &path[base_start..];
    let stem_len = match base.rfind('.') {
        Some(dot) if base[..dot].chars().any(|c| c != '.') => base_start + dot,
        _ => path.len(),
    };
    format!("{}.local", &path[..stem_len])
}

/// Is `c` a Python regex `\w`?
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Config {
    /// Files that exist, in the order fail2ban reads them for `name` (before includes).
    fn candidates(&self, name: &str) -> Vec<String> {
        let prefix = format!("{name}.d/");
        let dir_files = |ext: &str| -> Vec<String> {
            self.dir_files(&prefix, ext).map(str::to_owned).collect()
        };
        let mut files = vec![format!("{name}.conf")];
        files.extend(dir_files(".conf"));
        files.push(format!("{name}.local"));
        files.extend(dir_files(".local"));
        files.retain(|f| self.parsed.contains_key(f));
        files
    }

    /// The files glob `PREFIX*EXT` matches: one level below `prefix` (`filter.d/sshd.d/`), no
    /// hidden files, sorted by code point. The map is sorted, so only the keys under the
    /// prefix are visited (a scan of every key, per jail and rule, was a third of a
    /// 200-jail check).
    fn dir_files<'s>(&'s self, prefix: &'s str, ext: &'s str) -> impl Iterator<Item = &'s str> {
        self.parsed
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .map(|(path, _)| path.as_str())
            .take_while(move |path| path.starts_with(prefix))
            .filter(move |path| {
                let rest = &path[prefix.len()..];
                !rest.contains('/') && !rest.starts_with('.') && rest.ends_with(ext)
            })
    }

    /// `_getIncludes`: each file preceded by its `before` and followed by its `after`
    /// includes, recursively; `seen` holds the ancestors only (as fail2ban does, so a file
    /// included from two places is read twice).
    fn includes(&self, files: &[String], seen: &[String]) -> Vec<String> {
        let mut expanded = Vec::new();
        for file in files {
            expanded.push(file.clone());
            let local = local_of(file);
            if !files.contains(&local) && self.parsed.contains_key(&local) {
                expanded.push(local);
            }
        }
        let mut out = Vec::new();
        for file in &expanded {
            let Some(ini) = self.parsed.get(file) else {
                continue;
            };
            let dir = dirname(file);
            let mut lists: [Vec<String>; 2] = [Vec::new(), Vec::new()];
            let has_includes = ini.sections.iter().any(|s| s.name == "INCLUDES");
            // The file's own parser, built only when it has includes to read.
            let single =
                has_includes.then(|| merge_files(&self.parsed, std::slice::from_ref(file)));
            for (slot, option) in lists.iter_mut().zip(["before", "after"]) {
                let Some(single) = single.as_ref() else {
                    break;
                };
                let Some(Ok(value)) = single.get("INCLUDES", option) else {
                    continue;
                };
                for resource in value.split('\n') {
                    if resource.is_empty() || resource.starts_with('/') {
                        // Absolute paths lie outside the directory we were given.
                        continue;
                    }
                    let path = normalize(&format!("{dir}/{resource}"));
                    if seen.contains(&path) {
                        continue;
                    }
                    let mut chain = seen.to_vec();
                    chain.push(file.clone());
                    slot.extend(self.includes(std::slice::from_ref(&path), &chain));
                }
            }
            let [before, after] = lists;
            out.extend(before);
            out.push(file.clone());
            out.extend(after);
        }
        out
    }

    /// `ConfigReader.read(name)`: `None` when no file for it exists ("Found no accessible
    /// config files").
    fn read(&self, name: &str) -> Option<Merged> {
        let candidates = self.candidates(name);
        if candidates.is_empty() {
            return None;
        }
        let files = self.includes(&candidates, &[]);
        Some(merge_files(&self.parsed, &files))
    }

    /// Jail sections of `jail.*`, in first-seen order.
    pub fn jails(&self) -> Vec<String> {
        self.jail
            .order
            .iter()
            .filter(|n| !matches!(n.as_str(), "INCLUDES" | "Definition" | "Init"))
            .cloned()
            .collect()
    }

    /// A jail with its merged and interpolated options (own and `[DEFAULT]`).
    pub fn jail(&self, name: &str) -> Option<&Jail> {
        self.jail_views().iter().find(|jail| jail.name == name)
    }

    /// Every jail of [`Config::jails`] with its merged and interpolated options, in order.
    pub fn jail_views(&self) -> &[Jail] {
        self.jail_views.get_or_init(|| {
            self.jails()
                .iter()
                .map(|name| self.jail.view(name))
                .collect()
        })
    }

    /// The files read for `jail` (includes resolved), in read order.
    pub fn jail_files(&self) -> &[String] {
        &self.jail.files
    }

    /// A filter's `[Definition]` options (with its `[DEFAULT]`s and includes such as
    /// `common.conf`), interpolated without a jail's arguments. `None` when no
    /// `filter.d/<name>.conf`/`.local` exists or it has no `[Definition]`.
    pub fn filter_options(&self, name: &str) -> Option<Jail> {
        self.section_options(&format!("filter.d/{name}"), "Definition")
    }

    /// An action's `[Definition]` options, as [`Config::filter_options`].
    pub fn action_options(&self, name: &str) -> Option<Jail> {
        self.section_options(&format!("action.d/{name}"), "Definition")
    }

    /// Any section of any name (`filter.d/sshd`, `Init`), merged and interpolated.
    pub fn section_options(&self, name: &str, section: &str) -> Option<Jail> {
        let merged = Arc::new(self.read(name)?);
        merged
            .sections
            .contains_key(section)
            .then(|| merged.view(section))
    }

    /// Whether fail2ban finds any file for `name` (`filter.d/sshd`, `action.d/iptables`);
    /// without one it fails with "Found no accessible config files".
    pub fn exists(&self, name: &str) -> bool {
        // What `candidates` would list, without building the list.
        let prefix = format!("{name}.d/");
        self.parsed.contains_key(&format!("{name}.conf"))
            || self.parsed.contains_key(&format!("{name}.local"))
            || self.dir_files(&prefix, ".conf").next().is_some()
            || self.dir_files(&prefix, ".local").next().is_some()
    }

    /// The parse problems of every file, by file.
    pub fn problems(&self) -> Vec<(String, Problem)> {
        self.parsed
            .iter()
            .flat_map(|(file, ini)| ini.problems.iter().map(move |p| (file.clone(), p.clone())))
            .collect()
    }

    /// A parsed file.
    pub fn file(&self, path: &str) -> Option<&IniFile> {
        self.parsed.get(path).map(|ini| &**ini)
    }

    /// A parsed file, shared rather than copied.
    pub fn shared_file(&self, path: &str) -> Option<Arc<IniFile>> {
        self.parsed.get(path).map(Arc::clone)
    }
}

/// `SafeConfigParserWithIncludes.read` over several files: merge each file's own parse.
fn merge_files(parsed: &BTreeMap<String, Arc<IniFile>>, files: &[String]) -> Merged {
    let mut merged = Merged {
        files: files.to_vec(),
        ..Merged::default()
    };
    for file in files {
        let Some(ini) = parsed.get(file) else {
            continue;
        };
        let shared_file: Arc<str> = Arc::from(file.as_str());
        // The file's own parser: DEFAULT blocks and repeated sections fold together.
        let mut defaults = Options::new();
        let mut sections: Vec<(String, Options)> = Vec::new();
        for section in &ini.sections {
            let target = if section.name == "DEFAULT" {
                &mut defaults
            } else {
                let index = match sections.iter().position(|(n, _)| *n == section.name) {
                    Some(i) => i,
                    None => {
                        sections.push((section.name.clone(), Options::new()));
                        sections.len() - 1
                    }
                };
                &mut sections[index].1
            };
            for entry in &section.entries {
                target.insert(
                    Arc::from(entry.key.as_str()),
                    Stored {
                        raw: Arc::from(entry.value.as_str()),
                        origin: Some(Origin {
                            file: Arc::clone(&shared_file),
                            line: entry.line,
                            key_range: entry.key_range,
                            value_range: entry.value_range,
                        }),
                    },
                );
            }
        }
        merged.defaults.extend(defaults);
        for (name, options) in sections {
            // `[Init?family=inet6]` merges into `Init` as `key?family=inet6`.
            let (name, options) = match conditional(&name) {
                Some((base, cond)) => (
                    base.to_string(),
                    options
                        .into_iter()
                        .map(|(k, v)| (Arc::from(format!("{k}{cond}")), v))
                        .collect(),
                ),
                None => (name, options),
            };
            if let Some(existing) = merged.sections.get_mut(&name) {
                let known: Options = existing
                    .iter()
                    .filter(|(k, _)| options.contains_key(*k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                existing.extend(options);
                merged
                    .sections
                    .entry(format!("KNOWN/{name}"))
                    .or_default()
                    .extend(known);
            } else {
                merged.order.push(name.clone());
                merged.sections.insert(name, options);
            }
        }
    }
    merged
}

/// `CONDITIONAL_RE = ^(\w+)(\?.+)$`.
fn conditional(name: &str) -> Option<(&str, &str)> {
    let q = name.find('?')?;
    let (base, cond) = name.split_at(q);
    (!base.is_empty() && base.chars().all(is_word) && cond.len() > 1).then_some((base, cond))
}

impl Merged {
    /// `[DEFAULT]`, sorted by key: [`Jail`]'s inherited slots. Built on first use, when the
    /// builtins are in.
    fn default_entries(&self) -> &[(Arc<str>, Stored)] {
        self.default_entries.get_or_init(|| {
            self.defaults
                .iter()
                .map(|(key, stored)| (Arc::clone(key), stored.clone()))
                .collect()
        })
    }

    /// All options `section` can read, each interpolated there when first read. Only the
    /// section's own options are made into values here; inherited ones on first read.
    fn view(self: &Arc<Self>, section: &str) -> Jail {
        let shared_section: Arc<str> = Arc::from(section);
        let own: BTreeMap<Arc<str>, Value> = self
            .sections
            .get(section)
            .into_iter()
            .flatten()
            .filter_map(|(key, stored)| {
                // A value without an origin (a builtin) yields to `[DEFAULT]`.
                let origin = stored.origin.clone()?;
                Some((
                    Arc::clone(key),
                    Value {
                        raw: Arc::clone(&stored.raw),
                        origin,
                        interpolated: OnceLock::new(),
                        source: Arc::clone(self),
                        section: Arc::clone(&shared_section),
                        key: Arc::clone(key),
                    },
                ))
            })
            .collect();
        Jail {
            name: section.to_string(),
            own,
            inherited: self
                .default_entries()
                .iter()
                .map(|_| OnceLock::new())
                .collect(),
            source: Arc::clone(self),
            section: shared_section,
        }
    }

    /// `get(section, option)`: `None` when the option does not exist. (fail2ban passes no
    /// `vars` on the paths modelled here.)
    fn get(&self, section: &str, option: &str) -> Option<Result<String, String>> {
        // Keys are stored lower-cased; most are already.
        let lowered;
        let option = if option
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            option
        } else {
            lowered = option.to_lowercase();
            lowered.as_str()
        };
        let own = if section == "DEFAULT" {
            None
        } else {
            Some(self.sections.get(section)?)
        };
        // Raw values are borrowed from the parser: interpolation copies only what it emits.
        let lookup = |key: &str| -> Option<&str> {
            own.and_then(|o| o.get(key))
                .or_else(|| self.defaults.get(key))
                .map(|s| &*s.raw)
        };
        let raw = lookup(option)?;
        if !raw.contains('%') {
            // Nothing to substitute: `interpolate_some` would copy the value unchanged (its
            // recursion limit is only reached through a reference). Most values are plain.
            return Some(Ok(raw.to_string()));
        }
        let mut out = String::new();
        let context = Context {
            option,
            section,
            rawval: raw,
            lookup: &lookup,
        };
        Some(
            self.interpolate_some(&context, raw, &[], 1, &mut out)
                .map(|()| out),
        )
    }

    /// configparser's `BasicInterpolation._interpolate_some` as fail2ban decorates it
    /// (`BasicInterpolationWithName`): at every level — its `__name__ in map` guard tests
    /// the module's own name, so it never holds — the map is copied, `__name__` set to the
    /// section and the level's `%(sec/opt)s` references resolved to raw values. Here the
    /// copied map is `parent` plus this level's `sec/opt` entries (`__name__` is answered
    /// directly): usually empty, so no level allocates a map.
    fn interpolate_some<'m>(
        &'m self,
        cx: &Context<'_, 'm>,
        value: &str,
        parent: &[(String, &'m str)],
        depth: usize,
        out: &mut String,
    ) -> Result<(), String> {
        let mut extra: Vec<(String, &'m str)> = parent.to_vec();
        self.map_section_options(cx.section, value, cx.lookup, &mut extra);
        let map = |key: &str| -> Option<&str> {
            if key == "__name__" {
                return Some(cx.section);
            }
            extra
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| *v)
                .or_else(|| (cx.lookup)(key))
        };
        if depth > MAX_DEPTH {
            return Err(format!(
                "Recursion limit exceeded in value substitution: option {} in section {} contains an interpolation key which cannot be substituted in {MAX_DEPTH} steps. Raw value: {}",
                py_repr(cx.option),
                py_repr(cx.section),
                py_repr(cx.rawval)
            ));
        }
        let mut rest = value;
        while !rest.is_empty() {
            let Some(p) = rest.find('%') else {
                out.push_str(rest);
                return Ok(());
            };
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            if rest[1..].starts_with('%') {
                out.push('%');
                rest = &rest[2..];
            } else if rest[1..].starts_with('(') {
                // _KEYCRE = %\(([^)]+)\)s
                let key = rest[2..]
                    .find(')')
                    .filter(|&close| close > 0 && rest[2 + close + 1..].starts_with('s'))
                    .map(|close| &rest[2..2 + close]);
                let Some(key) = key else {
                    return Err(format!(
                        "bad interpolation variable reference {}",
                        py_repr(rest)
                    ));
                };
                let var = key.to_lowercase();
                rest = &rest[2 + key.len() + 2..];
                let Some(v) = map(&var) else {
                    return Err(format!(
                        "Bad value substitution: option {} in section {} contains an interpolation key {} which is not a valid option name. Raw value: {}",
                        py_repr(cx.option),
                        py_repr(cx.section),
                        py_repr(&var),
                        py_repr(cx.rawval)
                    ));
                };
                if v.contains('%') {
                    self.interpolate_some(cx, v, &extra, depth + 1, out)?;
                } else {
                    out.push_str(v);
                }
            } else {
                return Err(format!(
                    "'%' must be followed by '%' or '(', found: {}",
                    py_repr(rest)
                ));
            }
        }
        Ok(())
    }

    /// `_map_section_options`: resolve `%(sec/opt)s`, `%(default/opt)s`, `%(known/opt)s`
    /// to raw values.
    fn map_section_options<'m>(
        &'m self,
        section: &str,
        rest: &str,
        lookup: &dyn Fn(&str) -> Option<&'m str>,
        extra: &mut Vec<(String, &'m str)>,
    ) {
        if !rest.contains('/') || !rest.contains("%(") {
            return;
        }
        for (sopt, sec, opt) in section_references(rest) {
            if extra.iter().any(|(k, _)| *k == sopt) || lookup(&sopt).is_some() {
                continue;
            }
            let lower = sec.to_lowercase();
            let value = if lower == "default" {
                None
            } else if lower == "known" {
                self.sections
                    .get(&format!("KNOWN/{section}"))
                    .and_then(|s| s.get(opt.as_str()))
                    .map(|s| &*s.raw)
            } else {
                let Some(options) = self.sections.get(&sec) else {
                    continue;
                };
                options.get(opt.as_str()).map(|s| &*s.raw)
            };
            let value = value.or_else(|| self.defaults.get(opt.as_str()).map(|s| &*s.raw));
            if let Some(value) = value {
                extra.push((sopt, value));
            }
        }
    }
}

/// `SECTION_OPTSUBST_CRE.findall`: `%\(([\w\-]+/([^\)]+))\)s` → (whole, section, option).
fn section_references(text: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("%(") {
        let after = &rest[at + 2..];
        let sec_len = after
            .char_indices()
            .find(|&(_, c)| !(is_word(c) || c == '-'))
            .map_or(after.len(), |(i, _)| i);
        let matched = (sec_len > 0 && after[sec_len..].starts_with('/'))
            .then(|| {
                let opt_part = &after[sec_len + 1..];
                let close = opt_part.find(')')?;
                (close > 0 && opt_part[close + 1..].starts_with('s')).then_some(close)
            })
            .flatten();
        match matched {
            Some(close) => {
                let sec = &after[..sec_len];
                let opt = &after[sec_len + 1..sec_len + 1 + close];
                found.push((format!("{sec}/{opt}"), sec.to_string(), opt.to_string()));
                rest = &after[sec_len + 1 + close + 2..];
            }
            None => rest = &rest[at + 1..],
        }
    }
    found
}

/// What one `get` interpolates: the option read, where, and the lookup chain (the
/// section, `[DEFAULT]`), whose values live as long as the parser (`'m`).
struct Context<'a, 'm> {
    option: &'a str,
    section: &'a str,
    rawval: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<&'m str>,
}
