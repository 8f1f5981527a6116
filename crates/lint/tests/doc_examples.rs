//! Every rule's documentation is run (as biome runs its doc examples): the code blocks under
//! "## Example" must make the rule report, those under "## Use instead" must not. What the
//! docs show (`gblint explain`, the README) is therefore what the engine does.
//!
//! The blocks of one section form one folder. A block's info string is its language; where the
//! language does not say where the file goes, the line right before the block is its path in
//! that folder, in backticks and followed by a colon:
//!
//! ````text
//! `pragmatismo-proxy/etc/fail2ban/jail.local`:
//! ```ini
//! [sshd]
//! ```
//! ````
//!
//! (rustdoc reads the info string itself and refuses `/`, `.` or `=` in it, so the path cannot
//! go there). Without such a line the path is the usual name for the language
//! ([`default_path`]). A `gblint.toml` block configures the run and a `gblint.baseline.json`
//! block is its baseline, as on the command line.

use gblint_lint::{check, registry, CheckOptions, FileKind, Input, RuleMeta, Settings};

/// One fenced code block.
struct Block {
    /// Where it is written, relative to the example's folder.
    path: String,
    text: String,
}

/// The fenced blocks under `## {heading}`, up to the next `## ` heading.
fn blocks(meta: &RuleMeta, heading: &str) -> Result<Vec<Block>, String> {
    let doc = meta.doc_text();
    let mut lines = doc
        .lines()
        .skip_while(|line| line.trim_end() != format!("## {heading}"))
        .skip(1)
        .take_while(|line| !line.starts_with("## "));
    let mut out = Vec::new();
    // A line "`PATH`:" names the file of the block right after it.
    let mut named: Option<String> = None;
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            named = line
                .trim()
                .strip_prefix('`')
                .and_then(|rest| rest.strip_suffix("`:"))
                .filter(|path| !path.is_empty() && !path.contains('`'))
                .map(str::to_owned);
            continue;
        };
        let mut text = String::new();
        let mut closed = false;
        for body in lines.by_ref() {
            if body.trim_end() == "```" {
                closed = true;
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        if !closed {
            return Err(format!("{}: unclosed code block in {heading}", meta.code));
        }
        let lang = info.split([' ', ',']).next().unwrap_or("");
        let path = match named.take() {
            Some(path) => path,
            None => default_path(lang, meta.kind).ok_or_else(|| {
                format!(
                    "{}: a ```{lang} block in {heading} needs its path (a line \"`PATH`:\" \
                     right before it): {lang} has no usual file name",
                    meta.code
                )
            })?,
        };
        if out.iter().any(|block: &Block| block.path == path) {
            return Err(format!(
                "{}: two blocks in {heading} are both {path}; name them with a \"`PATH`:\" line",
                meta.code
            ));
        }
        out.push(Block { path, text });
    }
    Ok(out)
}

/// The file name a block of `lang` gets without `file=` (`ini` is a fail2ban jail or a unit,
/// after the rule's format).
fn default_path(lang: &str, kind: Option<FileKind>) -> Option<String> {
    let path = match (lang, kind) {
        ("caddyfile", _) => "Caddyfile",
        ("corefile", _) => "Corefile",
        ("zone", _) => "example.org.zone",
        ("iptables", _) => "rules.v4",
        ("ini", Some(FileKind::Fail2ban)) => "fail2ban/jail.local",
        ("ini", Some(FileKind::Systemd)) => "app.service",
        ("sh", Some(FileKind::Ufw)) => "etc/default/ufw",
        ("toml", _) => "gblint.toml",
        _ => return None,
    };
    Some(path.to_owned())
}

/// The codes reported when `blocks` are checked as one folder with the rule selected.
fn run(meta: &RuleMeta, blocks: &[Block]) -> Vec<String> {
    // A visible name: discovery treats hidden folders as secret-scan-only.
    let dir = tempfile::Builder::new()
        .prefix("gblint-doc-")
        .tempdir()
        .expect("tempdir");
    for block in blocks {
        let path = dir.path().join(&block.path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &block.text).expect("write");
    }
    let config = dir.path().join("gblint.toml");
    let settings = if config.is_file() {
        Settings::load(&config).unwrap_or_else(|e| panic!("{}: {}", meta.code, e.message))
    } else {
        Settings::default()
    };
    let no_env = |_: &str| None;
    let mut options = CheckOptions::new(settings, &no_env);
    // Rules off by default (CDY007) are shown as they run when selected.
    options.extend_select = vec![meta.code.to_owned()];
    options.baseline_search = true;
    let report = check(&[Input::Path(dir.path().to_path_buf())], &options)
        .unwrap_or_else(|e| panic!("{}: check fails: {e}", meta.code));
    report
        .diagnostics
        .iter()
        .map(|d| d.code.to_owned())
        .collect()
}

fn describe(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| format!("--- {}\n{}", b.path, b.text))
        .collect()
}

#[test]
fn every_example_fires_and_every_alternative_does_not() {
    let mut failures = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        let (example, instead) = match (blocks(meta, "Example"), blocks(meta, "Use instead")) {
            (Ok(example), Ok(instead)) => (example, instead),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(e);
                continue;
            }
        };
        if example.is_empty() {
            failures.push(format!("{}: its Example has no code block", meta.code));
            continue;
        }
        let codes = run(meta, &example);
        if !codes.iter().any(|c| c == meta.code) {
            failures.push(format!(
                "{}: its Example does not report it (reported: {codes:?})\n{}",
                meta.code,
                describe(&example)
            ));
        }
        // "Use instead" may be prose only (remove the file, restore the blocks).
        if !instead.is_empty() {
            let codes = run(meta, &instead);
            if codes.iter().any(|c| c == meta.code) {
                failures.push(format!(
                    "{}: its Use instead still reports it\n{}",
                    meta.code,
                    describe(&instead)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
