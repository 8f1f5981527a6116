//! One snapshot per rule fixture under `resources/<format>/`: `CODE[_case].ext` must trigger
//! CODE, `CODE_ok[_case].ext` must not. A `<fixture>.toml` next to a fixture is its
//! configuration. Fixes are applied and the result re-checked: it must parse and no longer
//! trigger the rule.

use std::fmt::Write as _;
use std::path::Path;

use gblint_diagnostics::{apply_edits, Diagnostic, SourceMap};
use gblint_lint::{check, CheckOptions, Input, Report, Settings};

fn run(path: &Path, text_override: Option<&str>) -> Report {
    let settings_path = path.with_extension("toml");
    let settings = if settings_path.is_file() {
        Settings::load(&settings_path).expect("fixture settings")
    } else {
        Settings::default()
    };
    let no_env = |_: &str| None;
    let options = CheckOptions::new(settings, &no_env);
    let input = match text_override {
        Some(text) => Input::Stdin {
            name: path.to_path_buf(),
            text: text.to_owned(),
        },
        None => Input::Path(path.to_path_buf()),
    };
    check(&[input], &options).expect("check runs")
}

fn render(report: &Report, text: &str) -> String {
    let mut out = String::new();
    if report.diagnostics.is_empty() {
        out.push_str("(no findings)\n");
    }
    for diagnostic in &report.diagnostics {
        render_one(&mut out, diagnostic, &report.sources, text);
    }
    out
}

fn render_one(out: &mut String, diagnostic: &Diagnostic, sources: &SourceMap, text: &str) {
    let file = sources.get(diagnostic.file);
    let at = file.line_col(diagnostic.range.start());
    let _ = writeln!(
        out,
        "{}:{}: {} [{} {}] {}",
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
        let other = sources.get(label.file).line_col(label.range.start());
        let _ = writeln!(
            out,
            "  also {}:{}: {}",
            other.line, other.column, label.message
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
        let fixed = apply_edits(text, &fix.edits).expect("fix edits apply");
        for line in fixed.lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
}

fn code_of(path: &Path) -> String {
    let stem = path.file_stem().expect("stem").to_string_lossy();
    stem.split('_').next().expect("code").to_owned()
}

fn check_fixture(path: &Path, suite: &str) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let report = run(path, None);
    let code = code_of(path);
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let fired = report.diagnostics.iter().any(|d| d.code == code);
    if name.contains("_ok") {
        assert!(
            !fired,
            "{name} must not trigger {code}: {:#?}",
            report.diagnostics
        );
    } else {
        assert!(fired, "{name} must trigger {code}");
    }
    // Every fix applies cleanly and resolves its finding without breaking the file.
    let syntax_code = format!("{}000", &code[..3]);
    for diagnostic in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
        let fix = diagnostic.fix.as_ref().expect("fix");
        let fixed = apply_edits(&text, &fix.edits).expect("edits apply");
        let again = run(path, Some(&fixed));
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
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true, description => text.clone() }, {
        insta::assert_snapshot!(suite, render(&report, &text));
    });
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

/// LXD instances are told by their path on the host, so each LXD fixture is a deployment
/// tree: `resources/lxd/CODE[_case]/host/…`, with its `gblint.baseline.json` when it has one.
#[test]
fn lxd_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/lxd");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("resources/lxd")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let no_env = |_: &str| None;
        let mut options = CheckOptions::new(Settings::default(), &no_env);
        let baseline = dir.join("gblint.baseline.json");
        if baseline.is_file() {
            options.baseline = Some(gblint_lint::Baseline::load(&baseline).expect("baseline"));
        }
        let report = check(&[Input::Path(dir.clone())], &options).expect("check runs");
        let code = name.split('_').next().expect("code");
        let fired = report.diagnostics.iter().any(|d| d.code == code);
        if name.contains("_ok") {
            assert!(
                !fired,
                "{name} must not trigger {code}: {:#?}",
                report.diagnostics
            );
        } else {
            assert!(fired, "{name} must trigger {code}");
        }
        let mut out = String::new();
        if report.diagnostics.is_empty() {
            out.push_str("(no findings)\n");
        }
        for diagnostic in &report.diagnostics {
            let path = report.sources.get(diagnostic.file).path();
            let shown = path.strip_prefix(&dir).unwrap_or(path);
            let _ = writeln!(out, "{}", shown.display());
            render_one(&mut out, diagnostic, &report.sources, "");
        }
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("lxd_fixtures@{name}"), out);
        });
    }
}
