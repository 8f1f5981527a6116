//! The 187 `caddy_adapt` inputs: accept/reject as Caddy, the right line for lexer and parser
//! errors, and a byte-exact round trip for every file under `caddyfile/`.

use std::path::Path;

use gblint_caddyfile::{parse, tokenize, Caddyfile, ImportContext, ParseErrorKind, SyntaxTree};
use gblint_diagnostics::{SourceFile, SourceMap};

/// Parse an adapt input as Caddy's harness does: named "Caddyfile", imports relative to the
/// adapt folder.
fn parse_adapt(dir: &Path, text: &str) -> Caddyfile {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("Caddyfile", text));
    let no_env = |_: &str| None;
    let mut ctx = ImportContext::new(&mut sources, &no_env);
    ctx.disk_paths.insert(file, dir.join("Caddyfile"));
    parse(file, &mut ctx)
}

/// The line an expected Caddy error names (`on line #N` or `Caddyfile:N`), if any.
fn expected_line(message: &str) -> Option<u32> {
    if let Some(rest) = message.split("on line #").nth(1) {
        return rest
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok();
    }
    if let Some(rest) = message.split("Caddyfile:").nth(1) {
        return rest
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok();
    }
    None
}

#[test]
fn adapt_inputs_accept_and_reject_like_caddy() {
    let dir = gblint_tests::corpus_dir().join("caddyfile/caddy_adapt");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut counts = (0usize, 0usize); // (passed, failed)
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in index.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (name, expected) = (columns[0], columns[2]);
        let message = columns
            .get(3)
            .copied()
            .unwrap_or("")
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
        rows += 1;
        let text = std::fs::read_to_string(dir.join(name)).expect("input");
        let parsed = parse_adapt(&dir, &text);
        let syntax: Vec<_> = parsed
            .errors
            .iter()
            .filter(|e| e.kind != ParseErrorKind::Import)
            .collect();
        let ok = match expected {
            "json" => {
                if parsed.errors.is_empty() {
                    true
                } else {
                    failures.push(format!(
                        "{name}: expected no syntax error, got {:?}",
                        parsed.errors
                    ));
                    false
                }
            }
            "error:lexer" | "error:parser" => match syntax.first() {
                None => {
                    failures.push(format!("{name}: expected a syntax error ({message})"));
                    false
                }
                Some(error) => match expected_line(&message) {
                    Some(line) if error.line != line => {
                        failures.push(format!(
                            "{name}: error on line {} but Caddy says line {line}: {}",
                            error.line, error.message
                        ));
                        false
                    }
                    _ => true,
                },
            },
            _ => true, // adapter errors are checked by the oracle suite
        };
        if ok {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
    assert_eq!(rows, 187, "expected the 187 shared adapt inputs");
    println!(
        "caddy adapt inputs: {} passed, {} failed",
        counts.0, counts.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            visit(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_caddyfile_corpus_file_round_trips_byte_for_byte() {
    let mut files = Vec::new();
    visit(&gblint_tests::corpus_dir().join("caddyfile"), &mut files);
    files.retain(|path| {
        !path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "tsv" || ext == "md")
    });
    assert!(
        files.len() >= 187 + 60,
        "corpus looks incomplete: {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        let tree = SyntaxTree::build(&text, &tokenize(&text));
        if tree.print(&text) != text {
            failures.push(path.display().to_string());
        }
        // The tokens tile the text with no gap or overlap.
        let mut cursor = 0;
        for token in &tree.tokens {
            if token.range.start() != cursor {
                failures.push(format!("{}: gap at {cursor}", path.display()));
                break;
            }
            cursor = token.range.end();
        }
        if cursor as usize != text.len() {
            failures.push(format!(
                "{}: tokens end at {cursor} of {}",
                path.display(),
                text.len()
            ));
        }
    }
    println!(
        "lossless round trip: {} passed, {} failed",
        files.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
