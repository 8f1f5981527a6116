//! gblint's syntax verdict (CDY000/CDY004) against `caddy adapt` (Debian's Caddy 2.6.2).
//!
//! Inputs: the 187 adapt inputs, Caddy's parser and lexer test tables, gblint's own rule
//! fixtures and example deployment, the General Bots Caddyfiles, a generated Caddyfile, and
//! deterministic syntax-breaking mutants of it. For each, caddy's outcome is one of
//! *accepted*, *syntactic failure at FILE:LINE* (a parse error raised outside any directive's
//! own unmarshalling) or *other failure* (unknown directive, module, option, address...).
//! Where caddy's outcome is accepted or syntactic, gblint must agree: no syntax finding, or a
//! syntax finding on caddy's line. Disagreements must be listed, with their reason, in
//! `caddy-disagreements.tsv`; an unlisted disagreement or a stale entry fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gblint_tests::{copy_tree, corpus_dir, run_gblint, workspace_root};
use serde_json::Value;

/// One input: its id, the Caddyfile text, and a folder to copy next to it (for imports).
struct Case {
    id: String,
    text: String,
    beside: Option<PathBuf>,
}

/// A gblint syntax finding: file name, line, message.
type SyntaxFinding = (String, u32, String);

/// An edit of one line (index, text) into its replacement, or `None` to leave it.
type LineEdit = Box<dyn Fn(usize, &str) -> Option<String>>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum CaddyOutcome {
    Accepted,
    Syntactic {
        file: String,
        line: u32,
        message: String,
    },
    /// A structural error caddy reports without a line: import cycles, invalid site addresses,
    /// matchers outside site blocks.
    Structural(String),
    Other(String),
}

/// The caddy binary: `GBLINT_CADDY` or `caddy` on PATH; missing is a failure.
pub fn caddy() -> PathBuf {
    let caddy = std::env::var_os("GBLINT_CADDY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("caddy"));
    let output = Command::new(&caddy).arg("version").output().unwrap_or_else(|error| {
        panic!("the caddy oracle needs Debian's caddy (apt-get install caddy): cannot run {}: {error}", caddy.display())
    });
    assert!(output.status.success(), "caddy version failed");
    println!(
        "caddy oracle: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    caddy
}

fn run_caddy(caddy: &Path, dir: &Path) -> CaddyOutcome {
    let output = Command::new(caddy)
        .args(["adapt", "--config", "Caddyfile", "--adapter", "caddyfile"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .expect("caddy runs");
    if output.status.success() {
        return CaddyOutcome::Accepted;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = stderr
        .lines()
        .find(|line| line.starts_with("Error: "))
        .unwrap_or("")
        .to_owned();
    classify(&error)
}

/// A parse error of the Caddyfile itself reads `Error: FILE:LINE - Syntax error: …` or
/// `Error: FILE:LINE - Error during parsing: …` with nothing in front; the same wording inside
/// `parsing caddyfile tokens for 'x': …` comes from a directive's own unmarshalling. A few
/// structural errors carry no line (see [`CaddyOutcome::Structural`]).
fn classify(error: &str) -> CaddyOutcome {
    let rest = error
        .trim_start_matches("Error: ")
        .trim_start_matches("adapting config using caddyfile: ");
    for marker in [" - Syntax error: ", " - Error during parsing: "] {
        if let Some((location, message)) = rest.split_once(marker) {
            if let Some((file, line)) = location.rsplit_once(':') {
                if let Ok(line) = line.parse() {
                    if !file.contains(' ') {
                        let file = Path::new(file)
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        return CaddyOutcome::Syntactic {
                            file,
                            line,
                            message: message.to_owned(),
                        };
                    }
                }
            }
        }
    }
    let structural = rest.starts_with("a cycle of imports exists between ")
        || rest.starts_with("cannot define a matcher outside of a site block")
        || (rest.starts_with("server block ") && rest.contains("parsing key: "));
    if structural {
        return CaddyOutcome::Structural(rest.to_owned());
    }
    CaddyOutcome::Other(error.to_owned())
}

/// gblint's syntax findings as (file name, line, message).
fn run_gblint_syntax(dir: &Path) -> Vec<SyntaxFinding> {
    let output = run_gblint(
        dir,
        &[
            "check",
            "Caddyfile",
            "--format",
            "caddyfile",
            "--select",
            "CDY000,CDY004",
            "--no-inline-ignores",
            "--output-format",
            "json",
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "gblint failed in {}: {stderr}",
        dir.display()
    );
    let findings: Value = serde_json::from_slice(&output.stdout).expect("json output");
    findings
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let file = Path::new(f["file"].as_str().expect("file"))
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                file,
                f["location"]["line"].as_u64().expect("line") as u32,
                f["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let corpus = corpus_dir();
    let mut cases = Vec::new();
    let adapt = corpus.join("caddyfile/caddy_adapt");
    let index = std::fs::read_to_string(adapt.join("INDEX.tsv")).expect("INDEX.tsv");
    for line in index.lines().skip(1) {
        let name = line.split('\t').next().expect("name");
        let text = std::fs::read_to_string(adapt.join(name)).expect("adapt input");
        cases.push(Case {
            id: format!("adapt/{name}"),
            text,
            beside: Some(adapt.join("testdata")),
        });
    }
    let parse = corpus.join("caddyfile/caddy_parse");
    for table in ["parse_one_cases.json", "parse_all_cases.json"] {
        let rows: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(parse.join(table)).expect("table"))
                .expect("json");
        for (index, row) in rows.iter().enumerate() {
            let text = row["input"].as_str().expect("input").to_owned();
            cases.push(Case {
                id: format!("{}/{index}", table.trim_end_matches("_cases.json")),
                text,
                beside: Some(parse.join("testdata")),
            });
        }
    }
    let lexer: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("caddyfile/caddy_lexer_cases.json")).expect("lexer"),
    )
    .expect("json");
    for (index, row) in lexer.iter().enumerate() {
        cases.push(Case {
            id: format!("lexer/{index}"),
            text: row["input"].as_str().expect("input").to_owned(),
            beside: None,
        });
    }
    let fixtures = workspace_root().join("crates/lint/resources/caddy");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for path in names
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "caddyfile"))
    {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let name = path.file_name().expect("name").to_string_lossy();
        cases.push(Case {
            id: format!("fixture/{name}"),
            text,
            beside: None,
        });
    }
    let example =
        workspace_root().join("examples/pragmatismo/pragmatismo-proxy/opt/gbo/conf/config");
    cases.push(Case {
        id: "example/pragmatismo".into(),
        text: std::fs::read_to_string(example).expect("example"),
        beside: None,
    });
    for name in ["Caddyfile.dev-bootstrap", "Caddyfile.prod-fragments"] {
        let text = std::fs::read_to_string(corpus.join("generalbots/caddy").join(name))
            .expect("generalbots");
        cases.push(Case {
            id: format!("generalbots/{name}"),
            text,
            beside: None,
        });
    }
    let generated = gblint_tests::run_generator(
        corpus.parent().expect("shared"),
        "gen_caddy.py",
        20,
        "Caddyfile",
    );
    cases.push(Case {
        id: "generated/20".into(),
        text: generated.clone(),
        beside: None,
    });
    cases.extend(mutants(&generated));
    cases
}

/// Deterministic syntax-breaking edits of a generated file, one per kind and position.
fn mutants(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let rebuild = |edit: &dyn Fn(usize, &str) -> Option<String>| -> Vec<String> {
        (0..lines.len())
            .filter_map(|at| {
                let replaced = edit(at, lines[at])?;
                let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
                out[at] = replaced;
                Some(out.join("\n") + "\n")
            })
            .collect()
    };
    let kinds: Vec<(&str, LineEdit)> = vec![
        (
            "drop-close",
            Box::new(|_, l: &str| (l == "}").then(String::new)),
        ),
        (
            "close-on-directive-line",
            Box::new(|_, l: &str| l.starts_with("\tencode").then(|| format!("{l} }}"))),
        ),
        (
            "brace-on-own-line",
            Box::new(|_, l: &str| {
                l.ends_with(".com {")
                    .then(|| format!("{}\n{{", &l[..l.len() - 2]))
            }),
        ),
        (
            "comma-in-address",
            Box::new(|_, l: &str| {
                l.ends_with(".com {")
                    .then(|| l.replacen(".com {", ".com,www.example.com {", 1))
            }),
        ),
        (
            "missing-import",
            Box::new(|_, l: &str| {
                l.starts_with("\tlog")
                    .then(|| "\timport missing.caddy".to_owned())
            }),
        ),
        (
            "open-block-same-line",
            Box::new(|_, l: &str| {
                l.starts_with("\treverse_proxy")
                    .then(|| format!("{l} {{ lb_policy first }}"))
            }),
        ),
        (
            "extra-close",
            Box::new(|_, l: &str| (l == "}").then(|| "}\n}".to_owned())),
        ),
        (
            "matcher-in-global",
            Box::new(|at, l: &str| (at == 1).then(|| format!("{l}\n@m path /x"))),
        ),
    ];
    let mut cases = Vec::new();
    for (kind, edit) in &kinds {
        // Every third position keeps the suite quick while covering start, middle and end.
        for (index, text) in rebuild(edit.as_ref())
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == 0)
        {
            cases.push(Case {
                id: format!("mutant/{kind}/{index}"),
                text,
                beside: None,
            });
        }
    }
    cases
}

#[test]
fn syntax_verdicts_agree_with_caddy_adapt() {
    let caddy = caddy();
    let cases = cases();
    let results: Vec<(String, CaddyOutcome, Vec<SyntaxFinding>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                let caddy = &caddy;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|case| {
                            let dir = tempfile::tempdir().expect("tempdir");
                            std::fs::write(dir.path().join("Caddyfile"), &case.text)
                                .expect("write");
                            if let Some(beside) = &case.beside {
                                copy_tree(
                                    beside,
                                    &dir.path().join(beside.file_name().expect("name")),
                                );
                            }
                            (
                                case.id.clone(),
                                run_caddy(caddy, dir.path()),
                                run_gblint_syntax(dir.path()),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });

    let mut counts = BTreeMap::<&str, usize>::new();
    let mut disagreements = BTreeMap::new();
    for (id, outcome, gblint) in &results {
        let verdict = match outcome {
            CaddyOutcome::Accepted if gblint.is_empty() => "agree: both accept",
            CaddyOutcome::Accepted => {
                disagreements.insert(
                    id.clone(),
                    format!(
                        "caddy accepts; gblint: {}:{} {}",
                        gblint[0].0, gblint[0].1, gblint[0].2
                    ),
                );
                "disagree"
            }
            CaddyOutcome::Syntactic { file, line, .. }
                if gblint.iter().any(|(f, l, _)| f == file && l == line) =>
            {
                "agree: both reject on the same line"
            }
            CaddyOutcome::Syntactic {
                file,
                line,
                message,
            } => {
                let ours = gblint
                    .first()
                    .map(|(f, l, m)| format!("{f}:{l} {m}"))
                    .unwrap_or_else(|| "no syntax finding".into());
                disagreements.insert(
                    id.clone(),
                    format!("caddy: {file}:{line} {message}; gblint: {ours}"),
                );
                "disagree"
            }
            CaddyOutcome::Structural(_) if !gblint.is_empty() => {
                "agree: both reject (caddy names no line)"
            }
            CaddyOutcome::Structural(message) => {
                disagreements.insert(
                    id.clone(),
                    format!("caddy: {message}; gblint: no syntax finding"),
                );
                "disagree"
            }
            CaddyOutcome::Other(_) if gblint.is_empty() => {
                "not compared: caddy fails outside the parser, gblint finds no syntax error"
            }
            CaddyOutcome::Other(_) => {
                "not compared: caddy fails outside the parser, gblint reports a syntax error"
            }
        };
        *counts.entry(verdict).or_default() += 1;
    }
    println!("caddy oracle over {} inputs:", results.len());
    for (verdict, count) in &counts {
        println!("  {count:4}  {verdict}");
    }
    for (id, outcome, gblint) in &results {
        if let (CaddyOutcome::Other(error), Some((file, line, message))) = (outcome, gblint.first())
        {
            println!("  not compared {id}: caddy {error}; gblint {file}:{line} {message}");
        }
    }
    let listed = gblint_tests::listed_disagreements("caddy-disagreements.tsv");
    let check = gblint_tests::ListedCheck::new(&disagreements, &listed);
    for (id, what) in &disagreements {
        if let Some(reason) = listed.get(id) {
            println!("  listed disagreement {id}: {what} — {reason}");
        }
    }
    check.assert_clean("disagreements with caddy", "caddy-disagreements.tsv");
    let compared = results
        .iter()
        .filter(|(_, o, _)| !matches!(o, CaddyOutcome::Other(_)))
        .count();
    assert!(compared >= 180, "too few compared inputs: {compared}");
}
