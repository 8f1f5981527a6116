//! `cargo xtask new-rule`: the mechanical part of adding a rule, done in one step.
//!
//! Adding a rule by hand took seven edits in five places, and each could be forgotten
//! silently. This writes them all; the tests then hold the rest (gblint-lint's
//! `registry_files`, `doc_examples` and `fixtures` tests fail until the rule's check, its
//! doc examples and its fixtures agree):
//!
//! 1. `crates/lint/src/rules/<family>/<name>.rs` with `declare_rule!` and an empty check;
//! 2. its `pub mod` line (with the code) in that folder's `mod.rs` (a new family gets a
//!    `mod.rs` and a line in `rules/mod.rs`);
//! 3. its line in `crates/lint/src/registry.rs`, after its family's rules;
//! 4. a fixture that must trigger it and an `_ok` one that must not, as a file in
//!    `crates/lint/resources/<family>/` for single-file formats, or as a folder in
//!    `crates/lint/resources/deployments/` for formats read as a whole (fail2ban, ufw, none);
//! 5. its row in the README rules table, after its family's rows.
//!
//! The family folder is the one that already holds rules with the same three-letter prefix,
//! so new rules of an existing family land next to their siblings whatever the folder is
//! called; for a new prefix it is the format's name (or `cross` for `none`).

use std::path::{Path, PathBuf};

const RULES: &str = "crates/lint/src/rules";
const REGISTRY: &str = "crates/lint/src/registry.rs";
const RESOURCES: &str = "crates/lint/resources";
const README: &str = "README.md";

/// What to scaffold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// `CDY015`.
    pub code: String,
    /// `kebab-case-name`.
    pub name: String,
    /// A `FileKind` name (`caddyfile`, …) or `none` for deployment-wide rules.
    pub kind: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// `load`, `correctness`, …
    pub category: String,
    /// The README row's "checks" cell.
    pub summary: String,
}

impl Spec {
    /// Parse `<CODE> <name> <format> [--severity S] [--category C] [--summary TEXT]`.
    pub fn from_args(args: &[String]) -> Result<Spec, String> {
        let mut positional = Vec::new();
        let mut severity = "warning".to_owned();
        let mut category = "correctness".to_owned();
        let mut summary = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |flag: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match arg.as_str() {
                "--severity" => severity = value("--severity")?,
                "--category" => category = value("--category")?,
                "--summary" => summary = Some(value("--summary")?),
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                _ => positional.push(arg.clone()),
            }
        }
        let [code, name, format] = <[String; 3]>::try_from(positional)
            .map_err(|got| format!("expected CODE, name and format, got {got:?}"))?;
        let spec = Spec {
            summary: summary.unwrap_or_else(|| format!("{name} (describe what it checks)")),
            code: code.to_ascii_uppercase(),
            name,
            kind: format.to_ascii_lowercase(),
            severity: severity.to_ascii_lowercase(),
            category: category.to_ascii_lowercase(),
        };
        spec.validate()?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), String> {
        let code = self.code.as_bytes();
        if code.len() != 6
            || !code[..3]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            || !code[3..].iter().all(u8::is_ascii_digit)
        {
            return Err(format!(
                "code `{}` is not three letters or digits and three digits (CDY015)",
                self.code
            ));
        }
        if self.name.is_empty()
            || self.name.starts_with('-')
            || self.name.ends_with('-')
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-')
        {
            return Err(format!("name `{}` is not kebab-case", self.name));
        }
        if !["error", "warning", "info"].contains(&self.severity.as_str()) {
            return Err(format!(
                "severity `{}` is not error, warning or info",
                self.severity
            ));
        }
        let categories = [
            "load",
            "correctness",
            "security",
            "suspicious",
            "policy",
            "style",
            "suppression",
        ];
        if !categories.contains(&self.category.as_str()) {
            return Err(format!(
                "category `{}` is not one of {categories:?}",
                self.category
            ));
        }
        if self.kind.is_empty() || !self.kind.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!("kind `{}` is not a file kind name", self.kind));
        }
        Ok(())
    }

    /// `snake_case` module name.
    pub fn module(&self) -> String {
        self.name.replace('-', "_")
    }

    /// `CamelCase` type name.
    pub fn type_name(&self) -> String {
        self.name.split('-').map(capitalize).collect()
    }

    /// `Some(FileKind::Caddyfile)` or `None`.
    fn kind_expr(&self) -> String {
        if self.kind == "none" {
            "None".to_owned()
        } else {
            format!("Some(FileKind::{})", capitalize(&self.kind))
        }
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// How a format's fixtures and doc examples are written.
struct Layout {
    /// The code block's language in the rule's docs.
    lang: &'static str,
    /// The path line before the doc blocks, where the language does not imply the path.
    doc_file: Option<&'static str>,
    /// A single-file fixture's extension, or `None` for a folder fixture with this file.
    ext: Option<&'static str>,
    /// A folder fixture's file.
    dir_file: &'static str,
}

fn layout(format: &str) -> Layout {
    let single = |lang, ext| Layout {
        lang,
        doc_file: None,
        ext: Some(ext),
        dir_file: "",
    };
    match format {
        "caddyfile" => single("caddyfile", "caddyfile"),
        "corefile" => single("corefile", "corefile"),
        "zone" => single("zone", "zone"),
        "iptables" => single("iptables", "rules"),
        "systemd" => single("ini", "service"),
        "fail2ban" => Layout {
            lang: "ini",
            doc_file: None,
            ext: None,
            dir_file: "etc/fail2ban/jail.local",
        },
        "ufw" => Layout {
            lang: "sh",
            doc_file: None,
            ext: None,
            dir_file: "host/etc/default/ufw",
        },
        // A format this tool does not know yet (or `none`): a folder fixture whose file the
        // author names, and doc blocks with an explicit path.
        _ => Layout {
            lang: "text",
            doc_file: Some("PATH/IN/THE/TREE"),
            ext: None,
            dir_file: "FILE",
        },
    }
}

/// The folder below `rules/` for the spec's family: where rules with its prefix already are.
fn family_folder(root: &Path, spec: &Spec) -> Result<String, String> {
    let prefix = &spec.code[..3];
    let rules = root.join(RULES);
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&rules)
        .map_err(|e| format!("{}: {e}", rules.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        for file in std::fs::read_dir(&folder).map_err(|e| e.to_string())? {
            let path = file.map_err(|e| e.to_string())?.path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.contains(&format!("code: \"{prefix}")) {
                let name = folder.file_name().expect("folder name");
                return Ok(name.to_string_lossy().into_owned());
            }
        }
    }
    Ok(if spec.kind == "none" {
        "cross".to_owned()
    } else {
        spec.kind.clone()
    })
}

/// The rule file.
pub fn rule_file(spec: &Spec) -> String {
    let layout = layout(&spec.kind);
    // A block whose language gives no file name is preceded by its path (`PATH`:), which
    // tests/doc_examples.rs reads (rustdoc refuses paths in the info string).
    let fence = match layout.doc_file {
        Some(file) => format!("`{file}`:\n    /// ```{}", layout.lang),
        None => format!("```{}", layout.lang),
    };
    let format_import = if spec.kind == "none" {
        ""
    } else {
        "use crate::file_kind::FileKind;\n"
    };
    format!(
        "use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
{format_import}use crate::rule::{{Rule, RuleMeta}};

declare_rule! {{
    /// ## What it does
    /// Reports … (the first sentence is the summary `gblint rules` prints).
    ///
    /// ## Why is this bad
    /// What the real tool does with it, and what breaks in the deployment.
    ///
    /// ## Example
    /// {fence}
    /// ```
    ///
    /// ## Use instead
    /// {fence}
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct {type_name} {{
        code: \"{code}\",
        name: \"{name}\",
        severity: {severity},
        category: {category},
        fix: None,
        kind: {kind},
    }}
}}

impl Rule for {type_name} {{
    fn meta(&self) -> &'static RuleMeta {{
        &Self::META
    }}

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {{
        // Read the parsed deployment (`ctx.deployment`) and push one
        // `Self::META.diagnostic(file, range, message)` per finding. Until this reports, the
        // doc-example and fixture tests of gblint-lint fail for {code}.
        let _ = (ctx, out);
    }}
}}
",
        type_name = spec.type_name(),
        code = spec.code,
        name = spec.name,
        severity = capitalize(&spec.severity),
        category = capitalize(&spec.category),
        kind = spec.kind_expr(),
    )
}

/// `mod.rs` with the rule's `pub mod` line among the others, in name order.
pub fn add_module(mod_rs: &str, spec: &Spec) -> Result<String, String> {
    let module = spec.module();
    let line = format!("pub mod {module};");
    if mod_rs.lines().any(|l| l.trim() == line) {
        return Err(format!("`{line}` is already in mod.rs"));
    }
    let entry = format!("/// {}: {}.\n{line}\n", spec.code, spec.summary);
    let lines: Vec<&str> = mod_rs.split_inclusive('\n').collect();
    // Insert before the doc comment of the first module that sorts after this one, or after
    // the last `pub mod` line.
    let mut insert_at = None;
    let mut last_mod_end = None;
    for (i, l) in lines.iter().enumerate() {
        if let Some(name) = l
            .trim()
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        {
            last_mod_end = Some(i + 1);
            if insert_at.is_none() && name > module.as_str() {
                let mut start = i;
                while start > 0 && lines[start - 1].trim_start().starts_with("///") {
                    start -= 1;
                }
                insert_at = Some(start);
            }
        }
    }
    let at = insert_at.or(last_mod_end).unwrap_or(lines.len());
    let mut out: String = lines[..at].concat();
    if at == lines.len() && !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&entry);
    out.push_str(&lines[at..].concat());
    Ok(out)
}

/// `registry.rs` with the rule after the last of its family (or, for a new family, before the
/// deployment-wide `cross` and `meta` rules).
pub fn add_registry_line(registry: &str, spec: &Spec, family: &str) -> Result<String, String> {
    let entry = format!(
        "        &rules::{family}::{}::{},\n",
        spec.module(),
        spec.type_name()
    );
    if registry.contains(entry.trim()) {
        return Err(format!("{} is already registered", spec.code));
    }
    let lines: Vec<&str> = registry.split_inclusive('\n').collect();
    let own = format!("&rules::{family}::");
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with(&own))
        .map(|i| i + 1)
        .or_else(|| {
            lines
                .iter()
                .position(|l| l.trim_start().starts_with("&rules::cross::"))
        })
        .or_else(|| lines.iter().position(|l| l.trim() == "];"))
        .ok_or("registry.rs has no rule list")?;
    Ok(lines[..at].concat() + &entry + &lines[at..].concat())
}

/// The README with the rule's row after its family's rows in the rules table (or before the
/// `GBL` rows for a new family).
pub fn add_readme_row(readme: &str, spec: &Spec) -> Result<String, String> {
    let row = format!(
        "| {} | {} | {} | {} | | {} |\n",
        spec.code, spec.name, spec.category, spec.severity, spec.summary
    );
    if readme.contains(&format!("| {} |", spec.code)) {
        return Err(format!("README already has a {} row", spec.code));
    }
    let lines: Vec<&str> = readme.split_inclusive('\n').collect();
    let is_rule_row = |l: &str, prefix: &str| {
        l.strip_prefix("| ").is_some_and(|rest| {
            rest.len() > 6 && rest.starts_with(prefix) && rest[6..].starts_with(" |")
        })
    };
    let prefix = &spec.code[..3];
    let at = lines
        .iter()
        .rposition(|l| is_rule_row(l, prefix))
        .map(|i| i + 1)
        .or_else(|| lines.iter().position(|l| is_rule_row(l, "GBL")))
        .ok_or("README has no rules table (no `| GBL… |` row)")?;
    Ok(lines[..at].concat() + &row + &lines[at..].concat())
}

/// Write everything; returns the paths written, relative to `root`.
pub fn scaffold(root: &Path, spec: &Spec) -> Result<Vec<String>, String> {
    let family = family_folder(root, spec)?;
    let read =
        |rel: &str| std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"));
    let mut writes: Vec<(String, String)> = Vec::new();

    let rule_rel = format!("{RULES}/{family}/{}.rs", spec.module());
    if root.join(&rule_rel).exists() {
        return Err(format!("{rule_rel} exists already"));
    }
    writes.push((rule_rel, rule_file(spec)));

    let mod_rel = format!("{RULES}/{family}/mod.rs");
    let mod_rs = if root.join(&mod_rel).exists() {
        read(&mod_rel)?
    } else {
        // A new family: its mod.rs, and its line in rules/mod.rs.
        let rules_mod = format!("{RULES}/mod.rs");
        let text = read(&rules_mod)?;
        let line = format!("pub mod {family};\n");
        let at = text.find("pub mod ").unwrap_or(text.len());
        let mut lines: Vec<String> = text[at..].lines().map(|l| format!("{l}\n")).collect();
        lines.push(line);
        lines.sort();
        lines.dedup();
        writes.push((rules_mod, text[..at].to_owned() + &lines.concat()));
        format!(
            "//! {} rules (`{}`).\n\n",
            capitalize(&spec.kind),
            &spec.code[..3]
        )
    };
    writes.push((mod_rel, add_module(&mod_rs, spec)?));

    writes.push((
        REGISTRY.to_owned(),
        add_registry_line(&read(REGISTRY)?, spec, &family)?,
    ));
    writes.push((README.to_owned(), add_readme_row(&read(README)?, spec)?));

    let layout = layout(&spec.kind);
    for case in [spec.code.clone(), format!("{}_ok", spec.code)] {
        let rel = match layout.ext {
            Some(ext) => format!("{RESOURCES}/{family}/{case}.{ext}"),
            None => format!("{RESOURCES}/deployments/{case}/{}", layout.dir_file),
        };
        if root.join(&rel).exists() {
            return Err(format!("{rel} exists already"));
        }
        // Empty on purpose: the fixture tests fail until it triggers (or, `_ok`, does not).
        writes.push((rel, String::new()));
    }

    for (rel, text) in &writes {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{rel}: {e}"))?;
    }
    Ok(writes.into_iter().map(|(rel, _)| rel).collect())
}

/// What the author does next.
pub fn next_steps(spec: &Spec, written: &[String]) -> String {
    let mut out = format!("Scaffolded {} {}:\n", spec.code, spec.name);
    for rel in written {
        out.push_str(&format!("  {rel}\n"));
    }
    out.push_str(&format!(
        "Next:\n  \
         1. write the check and the doc (its Example must fire, its Use instead must not);\n  \
         2. fill both fixtures (add `_case` variants as needed);\n  \
         3. correct the README row's `checks` and `fix` cells;\n  \
         4. cargo test -p gblint-lint && cargo insta review (the snapshots of the fixtures).\n\
         A new format also needs its fixture glob in crates/lint/tests/fixtures.rs.\n\
         `cargo test -p gblint-lint` fails for {} until all of it agrees.\n",
        spec.code
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(code: &str, name: &str, format: &str) -> Spec {
        let args: Vec<String> = [code, name, format, "--summary", "a thing"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        Spec::from_args(&args).expect("valid spec")
    }

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("root")
            .to_path_buf()
    }

    #[test]
    fn arguments_are_checked() {
        let args =
            |list: &[&str]| -> Vec<String> { list.iter().map(|s| (*s).to_owned()).collect() };
        assert!(Spec::from_args(&args(&["CDY1", "x", "caddyfile"])).is_err());
        assert!(Spec::from_args(&args(&["CDY015", "Bad_Name", "caddyfile"])).is_err());
        assert!(
            Spec::from_args(&args(&["CDY015", "x", "caddyfile", "--severity", "loud"])).is_err()
        );
        assert!(Spec::from_args(&args(&["CDY015", "x"])).is_err());
        let ok = Spec::from_args(&args(&[
            "cdy015",
            "site-thing",
            "Caddyfile",
            "--category",
            "load",
        ]))
        .expect("valid");
        assert_eq!(ok.code, "CDY015");
        assert_eq!(ok.type_name(), "SiteThing");
        assert_eq!(ok.kind_expr(), "Some(FileKind::Caddyfile)");
        assert_eq!(ok.category, "load");
    }

    #[test]
    fn module_line_goes_in_name_order_with_its_doc() {
        let mod_rs =
            "//! Rules.\n\n/// A001: a.\npub mod alpha;\n/// C001: c.\npub mod gamma;\n\nuse x;\n";
        let out = add_module(mod_rs, &spec("ABC002", "beta", "caddyfile")).expect("added");
        assert_eq!(
            out,
            "//! Rules.\n\n/// A001: a.\npub mod alpha;\n/// ABC002: a thing.\npub mod beta;\n/// C001: c.\npub mod gamma;\n\nuse x;\n"
        );
        let last = add_module(mod_rs, &spec("ABC003", "zeta", "caddyfile")).expect("added");
        assert!(last.contains("pub mod gamma;\n/// ABC003: a thing.\npub mod zeta;\n\nuse x;"));
        assert!(add_module(&out, &spec("ABC002", "beta", "caddyfile")).is_err());
    }

    #[test]
    fn registry_line_follows_its_family_or_precedes_cross() {
        let registry = "    static ALL = &[\n        &rules::caddy::a::A,\n        &rules::caddy::b::B,\n        &rules::dns::c::C,\n        &rules::cross::d::D,\n    ];\n";
        let out = add_registry_line(registry, &spec("CDY099", "new-one", "caddyfile"), "caddy")
            .expect("added");
        assert!(out.contains("&rules::caddy::b::B,\n        &rules::caddy::new_one::NewOne,\n        &rules::dns::c::C"));
        let out =
            add_registry_line(registry, &spec("LXD001", "lxd-thing", "lxd"), "lxd").expect("added");
        assert!(out.contains("&rules::dns::c::C,\n        &rules::lxd::lxd_thing::LxdThing,\n        &rules::cross::d::D"));
    }

    #[test]
    fn readme_row_follows_its_family() {
        let readme = "| code | name |\n|---|---|\n| CDY000 | a | load | error | | x |\n| DNS000 | b | load | error | | y |\n| GBL900 | c | suppression | warning | | z |\n";
        let out = add_readme_row(readme, &spec("CDY099", "new-one", "caddyfile")).expect("added");
        assert!(out
            .contains("| x |\n| CDY099 | new-one | correctness | warning | | a thing |\n| DNS000"));
        let out = add_readme_row(readme, &spec("LXD001", "lxd-thing", "lxd")).expect("added");
        assert!(out.contains("| y |\n| LXD001 | lxd-thing |"));
        assert!(add_readme_row(&out, &spec("LXD001", "lxd-thing", "lxd")).is_err());
    }

    /// The whole scaffold on a copy of the real files: every place gets its edit, in the
    /// family folder the prefix already uses, and the rule file declares what was asked.
    #[test]
    fn scaffold_writes_every_place_in_a_copy_of_the_repository() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let copy = |rel: &str| {
            let to = tmp.path().join(rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(repo().join(rel), &to).expect("copy");
        };
        copy(REGISTRY);
        copy(README);
        copy(&format!("{RULES}/mod.rs"));
        for family in ["fail2ban", "caddy"] {
            for entry in std::fs::read_dir(repo().join(RULES).join(family)).expect("rules") {
                let path = entry.expect("entry").path();
                let rel = path.strip_prefix(repo()).expect("below repo");
                copy(&rel.to_string_lossy());
            }
        }
        std::fs::create_dir_all(tmp.path().join(RESOURCES)).expect("resources");

        let f2b = spec("F2B099", "jail-thing", "fail2ban");
        let written = scaffold(tmp.path(), &f2b).expect("scaffold");
        assert_eq!(
            written,
            [
                "crates/lint/src/rules/fail2ban/jail_thing.rs",
                "crates/lint/src/rules/fail2ban/mod.rs",
                "crates/lint/src/registry.rs",
                "README.md",
                "crates/lint/resources/deployments/F2B099/etc/fail2ban/jail.local",
                "crates/lint/resources/deployments/F2B099_ok/etc/fail2ban/jail.local",
            ]
        );
        let read = |rel: &str| std::fs::read_to_string(tmp.path().join(rel)).expect("read");
        let rule = read(&written[0]);
        assert!(rule.contains("code: \"F2B099\""));
        assert!(rule.contains("kind: Some(FileKind::Fail2ban)"));
        assert!(rule.contains("pub struct JailThing"));
        for section in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            assert!(rule.contains(section), "{section}");
        }
        assert!(read(&written[1]).contains("/// F2B099: a thing.\npub mod jail_thing;\n"));
        let registry = read(REGISTRY);
        assert!(registry
            .contains("&rules::fail2ban::jail_thing::JailThing,\n        &rules::systemd::"));
        assert!(
            read(README).contains("| F2B099 | jail-thing | correctness | warning | | a thing |")
        );
        // A second run refuses instead of writing twice.
        assert!(scaffold(tmp.path(), &f2b).is_err());

        // A single-file format gets file fixtures next to its family's.
        let cdy = spec("CDY099", "site-thing", "caddyfile");
        let written = scaffold(tmp.path(), &cdy).expect("scaffold");
        assert!(written.contains(&"crates/lint/resources/caddy/CDY099.caddyfile".to_owned()));
        assert!(written.contains(&"crates/lint/resources/caddy/CDY099_ok.caddyfile".to_owned()));

        // A new prefix gets its folder, mod.rs and line in rules/mod.rs.
        let crontab = spec("CRT001", "table-thing", "crontab");
        let written = scaffold(tmp.path(), &crontab).expect("scaffold");
        assert!(written.contains(&"crates/lint/src/rules/crontab/table_thing.rs".to_owned()));
        assert!(read(&format!("{RULES}/mod.rs")).contains("pub mod crontab;\n"));
        assert!(read(&format!("{RULES}/crontab/mod.rs")).starts_with("//! Crontab rules (`CRT`)."));
        assert!(read(&format!("{RULES}/crontab/table_thing.rs"))
            .contains("/// `PATH/IN/THE/TREE`:\n    /// ```text\n"));
    }
}
