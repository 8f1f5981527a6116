//! One snapshot per rule fixture. Two kinds, named the same way:
//!
//! - a file `resources/<format>/CODE[_case].ext`, checked alone; a `<fixture>.toml` next to it
//!   is its configuration;
//! - a folder `resources/deployments/CODE[_case]/` (a deployment tree or a plain folder),
//!   checked as a whole, for rules that read several files (cross-file, fail2ban, systemd
//!   units that refer to each other, ufw); a `gblint.toml` and a `gblint.baseline.json` at its
//!   top configure it.
//!
//! `CODE[_case]` must trigger CODE, `CODE_ok[_case]` must not. Fixes are applied and the result
//! re-checked: it must parse and no longer trigger the rule. Each snapshot shows the input
//! files, then the findings.
//!
//! [`every_rule_has_a_firing_fixture`] requires a triggering fixture for every registered rule,
//! so a new rule cannot land untested.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gblint_diagnostics::{apply_edits, Diagnostic, SourceMap};
use gblint_lint::baseline::Baseline;
use gblint_lint::{check, registry, CheckOptions, Input, Report, Settings};

/// Check `input` with `settings_path`'s configuration (when it exists) and `baseline`.
fn run(input: Input, settings_path: &Path, baseline: Option<&Path>) -> Report {
    let settings = if settings_path.is_file() {
        Settings::load(settings_path).expect("fixture settings")
    } else {
        Settings::default()
    };
    let no_env = |_: &str| None;
    let mut options = CheckOptions::new(settings, &no_env);
    options.baseline = baseline.map(|path| Baseline::load(path).expect("fixture baseline"));
    check(&[input], &options).expect("check runs")
}

/// Run a single-file fixture, or its text instead of what is on disk.
fn run_file(path: &Path, text_override: Option<&str>) -> Report {
    let input = match text_override {
        Some(text) => Input::Stdin {
            name: path.to_path_buf(),
            text: text.to_owned(),
        },
        None => Input::Path(path.to_path_buf()),
    };
    run(input, &path.with_extension("toml"), None)
}

/// Run a folder fixture.
fn run_dir(dir: &Path) -> Report {
    let baseline = dir.join("gblint.baseline.json");
    run(
        Input::Path(dir.to_path_buf()),
        &dir.join("gblint.toml"),
        baseline.is_file().then_some(baseline.as_path()),
    )
}

/// Every file below `dir`, sorted, as paths relative to `dir` with `/`.
fn files_below(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("below root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The input, file by file, for the snapshot body.
fn render_input(out: &mut String, files: &[(String, String)]) {
    for (name, text) in files {
        let _ = writeln!(out, "--- {name}");
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push_str("\n(no newline at end of file)\n");
        }
    }
    out.push_str("=== findings\n");
}

/// The findings; `shown` turns a file's path into the name the snapshot shows.
fn render(report: &Report, shown: &dyn Fn(&Path) -> String) -> String {
    let mut out = String::new();
    if report.diagnostics.is_empty() {
        out.push_str("(no findings)\n");
    }
    for diagnostic in &report.diagnostics {
        render_one(&mut out, diagnostic, &report.sources, shown);
    }
    out
}

fn render_one(
    out: &mut String,
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    shown: &dyn Fn(&Path) -> String,
) {
    let file = sources.get(diagnostic.file);
    let at = file.line_col(diagnostic.range.start());
    let name = shown(file.path());
    let prefix = if name.is_empty() {
        String::new()
    } else {
        format!("{name}:")
    };
    let _ = writeln!(
        out,
        "{prefix}{}:{}: {} [{} {}] {}",
        at.line,
        at.column,
        diagnostic.code,
        diagnostic.severity,
        diagnostic.category,
        diagnostic.message
    );
    let _ = writeln!(out, "  source: {:?}", file.slice(diagnostic.range));
    if let Some(label) = &diagnostic.label {
        let _ = writeln!(out, "  label: {label}");
    }
    for label in &diagnostic.labels {
        let other = sources.get(label.file);
        let other_at = other.line_col(label.range.start());
        let other_name = shown(other.path());
        let other_prefix = if other_name.is_empty() || other_name == name {
            String::new()
        } else {
            format!("{other_name}:")
        };
        let _ = writeln!(
            out,
            "  also {other_prefix}{}:{}: {}",
            other_at.line, other_at.column, label.message
        );
    }
    if let Some(note) = &diagnostic.note {
        let _ = writeln!(out, "  note: {note}");
    }
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(out, "  help: {help}");
    }
    if let Some(fix) = &diagnostic.fix {
        let _ = writeln!(out, "  fix ({}): {}", fix.applicability.as_str(), fix.title);
        let fixed = apply_edits(file.text(), &fix.edits).expect("fix edits apply");
        for line in fixed.lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
}

/// `CODE` of a fixture named `CODE[_case][.ext]`.
fn code_of(path: &Path) -> String {
    let name = path.file_name().expect("name").to_string_lossy();
    let stem = name.split('.').next().unwrap_or_default();
    stem.split('_').next().expect("code").to_owned()
}

fn is_ok_case(path: &Path) -> bool {
    path.file_name()
        .expect("name")
        .to_string_lossy()
        .contains("_ok")
}

/// The fixture must (or, for `_ok`, must not) report its code.
fn assert_fires(path: &Path, report: &Report) {
    let code = code_of(path);
    let name = path.file_name().expect("name").to_string_lossy();
    let fired = report.diagnostics.iter().any(|d| d.code == code);
    if is_ok_case(path) {
        assert!(
            !fired,
            "{name} must not trigger {code}: {:#?}",
            report.diagnostics
        );
    } else {
        assert!(fired, "{name} must trigger {code}");
    }
}

/// Every fix resolves its finding without breaking the file: `recheck` runs the fixture with
/// one file's text replaced.
fn assert_fixes_resolve(name: &str, report: &Report, recheck: &dyn Fn(&Path, &str) -> Report) {
    for diagnostic in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
        let fix = diagnostic.fix.as_ref().expect("fix");
        let file = report.sources.get(diagnostic.file);
        let fixed = apply_edits(file.text(), &fix.edits).expect("edits apply");
        let again = recheck(file.path(), &fixed);
        let syntax_code = format!("{}000", &diagnostic.code[..3]);
        assert!(
            !again.diagnostics.iter().any(|d| d.code == syntax_code),
            "{name}: fix for {} breaks the syntax",
            diagnostic.code
        );
        assert!(
            !again
                .diagnostics
                .iter()
                .any(|d| d.code == diagnostic.code && d.message == diagnostic.message),
            "{name}: fix for {} does not resolve it",
            diagnostic.code
        );
    }
}

fn snapshot(suite: &str, body: &str) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(suite, body);
    });
}

fn check_fixture(path: &Path, suite: &str) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let report = run_file(path, None);
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert_fires(path, &report);
    assert_fixes_resolve(&name, &report, &|_, fixed| run_file(path, Some(fixed)));
    let mut body = String::new();
    let mut files = vec![(name, text)];
    let settings = path.with_extension("toml");
    if let Ok(toml) = std::fs::read_to_string(&settings) {
        let toml_name = settings.file_name().expect("name").to_string_lossy();
        files.push((format!("{toml_name} (configuration)"), toml));
    }
    render_input(&mut body, &files);
    // One file: positions need no file name.
    body.push_str(&render(&report, &|_| String::new()));
    snapshot(suite, &body);
}

/// A folder fixture: checked as a whole; a fix is re-checked in a copy with the fixed file.
fn check_dir_fixture(dir: &Path) {
    let report = run_dir(dir);
    let name = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert_fires(dir, &report);
    let recheck = |file: &Path, fixed: &str| {
        let copy = tempfile::Builder::new()
            .prefix("gblint-fixture-")
            .tempdir()
            .expect("tempdir");
        for rel in files_below(dir) {
            let to = copy.path().join(&rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(dir.join(&rel), &to).expect("copy");
        }
        let rel = file
            .strip_prefix(dir)
            .expect("fixed file is in the fixture");
        std::fs::write(copy.path().join(rel), fixed).expect("write fixed");
        run_dir(copy.path())
    };
    assert_fixes_resolve(&name, &report, &recheck);
    let files: Vec<(String, String)> = files_below(dir)
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(dir.join(&rel)).expect("read fixture file");
            (rel, text)
        })
        .collect();
    let mut body = String::new();
    render_input(&mut body, &files);
    let shown = |path: &Path| {
        path.strip_prefix(dir)
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string_lossy().into_owned())
    };
    body.push_str(&render(&report, &shown));
    // Messages that quote a folder (fail2ban's) name it wherever the checkout is.
    let body = body.replace(&*dir.to_string_lossy(), "<fixture>");
    snapshot("deployment_fixtures", &body);
}

#[test]
fn caddy_fixtures() {
    insta::glob!("../resources/caddy", "*.caddyfile", |path| check_fixture(
        path,
        "caddy_fixtures"
    ));
}

#[test]
fn iptables_fixtures() {
    insta::glob!("../resources/iptables", "*.rules", |path| check_fixture(
        path,
        "iptables_fixtures"
    ));
}

#[test]
fn dns_fixtures() {
    insta::glob!("../resources/dns", "*.{corefile,zone}", |path| {
        check_fixture(path, "dns_fixtures")
    });
}

#[test]
fn systemd_fixtures() {
    insta::glob!("../resources/systemd", "*.service", |path| check_fixture(
        path,
        "systemd_fixtures"
    ));
}

#[test]
fn deployment_fixtures() {
    // The folders directly below deployments/ (the `*` of a glob matches no `/`).
    insta::glob!("../resources/deployments", "*", |path| {
        if path.is_dir() && fixture_code(path).is_some() {
            check_dir_fixture(path);
        }
    });
}

fn resources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources")
}

/// Whether `name` is `CODE` or `CODE_case` (a fixture name), not a `.toml` configuration.
fn fixture_code(path: &Path) -> Option<String> {
    if path
        .extension()
        .is_some_and(|ext| ext == "toml" || ext == "json")
    {
        return None;
    }
    let code = code_of(path);
    let well_formed = code.len() == 6
        && code[..3]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && code[3..].bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(code)
}

/// The fixtures of a family folder: its entries named `CODE[_case]`, looked for below folders
/// that are not fixtures themselves (`cron/etc/cron.d/CRN000_…`: a crontab is told by its
/// path). A deployment fixture is a folder and is not looked into.
fn fixtures_in(family: &Path, folders_are_fixtures: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![family.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if fixture_code(&path).is_some() && (folders_are_fixtures || !path.is_dir()) {
                found.push(path);
            } else if path.is_dir() && !folders_are_fixtures {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every registered rule has a fixture that triggers it, and every fixture is of a registered
/// rule. The fixtures are run here too, so a fixture counts only if it really fires (whatever
/// suite snapshots it). `suppression/` is left out: its harness forces formats and counts
/// lines (`suppressions.rs`).
#[test]
fn every_rule_has_a_firing_fixture() {
    let registered: BTreeSet<&str> = registry::all().iter().map(|r| r.meta().code).collect();
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut unknown = Vec::new();
    for family in std::fs::read_dir(resources()).expect("resources") {
        let family = family.expect("entry").path();
        let family_name = family
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !family.is_dir() || family_name == "suppression" {
            continue;
        }
        for path in fixtures_in(&family, family_name == "deployments") {
            let Some(code) = fixture_code(&path) else {
                continue;
            };
            if !registered.contains(code.as_str()) {
                unknown.push(path.display().to_string());
                continue;
            }
            if is_ok_case(&path) {
                continue;
            }
            let report = if path.is_dir() {
                run_dir(&path)
            } else {
                run_file(&path, None)
            };
            if report.diagnostics.iter().any(|d| d.code == code) {
                fired.insert(code);
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "fixtures of no registered rule: {unknown:?}"
    );
    let missing: Vec<&&str> = registered
        .iter()
        .filter(|code| !fired.contains(**code))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no fixture that triggers them (add resources/<format>/CODE.ext or \
         resources/deployments/CODE/): {missing:?}"
    );
}

#[test]
fn cron_fixtures() {
    insta::glob!(
        "../resources/cron/etc/cron.d",
        "CRN*",
        |path| check_fixture(path, "cron_fixtures")
    );
}

#[test]
fn ssh_fixtures() {
    insta::glob!("../resources/ssh/etc/ssh/ssh_config.d", "*.conf", |path| {
        check_fixture(path, "ssh_fixtures")
    });
}

#[test]
fn workflow_fixtures() {
    insta::glob!(
        "../resources/workflow/.forgejo/workflows",
        "*.yaml",
        |path| { check_fixture(path, "workflow_fixtures") }
    );
}

#[test]
fn github_workflow_fixtures() {
    insta::glob!("../resources/workflow/.github/workflows", "*.yml", |path| {
        check_fixture(path, "github_workflow_fixtures")
    });
}
