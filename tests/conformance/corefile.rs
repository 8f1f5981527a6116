//! CoreDNS: the caddy v1 lexer table (14), key normalisation (15), acl setup (29), and every
//! Corefile of the corpus — documentation examples and integration-test Corefiles — reprinted
//! byte for byte from its tokens, parsed without syntax errors (except the fragments listed
//! below), and formatted idempotently without changing a token.

use std::path::Path;

use gblint_corefile::lexer::tokenize;
use gblint_corefile::{acl, keys, parse, ImportOptions};
use serde_json::Value;

fn cases(name: &str) -> Vec<Value> {
    let path = gblint_tests::corpus_dir().join("corefile").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("cases")).expect("json")
}

#[test]
fn coredns_caddy_lexer_cases() {
    let cases = cases("coredns_caddy_lexer_cases.json");
    assert_eq!(cases.len(), 14);
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("input");
        let expected: Vec<(u64, String)> = case["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| {
                (
                    t["line"].as_u64().expect("line"),
                    t["text"].as_str().expect("text").to_owned(),
                )
            })
            .collect();
        let got: Vec<(u64, String)> = tokenize(input)
            .into_iter()
            .map(|t| (u64::from(t.line), t.text))
            .collect();
        if got != expected {
            failures.push(format!(
                "case {index} {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    println!("coredns lexer cases: {} passed of 14", 14 - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn key_normalize_cases() {
    let cases = cases("key_normalize_cases.json");
    assert_eq!(cases.len(), 15);
    let mut failures = Vec::new();
    for case in &cases {
        let key = case["key"].as_str().expect("key");
        let got = keys::normalize(key).map(|k| k.zones);
        match case["zones"].as_array() {
            None => {
                if got.is_ok() {
                    failures.push(format!("{key}: expected rejection, got {got:?}"));
                }
            }
            Some(expected) => {
                // Go's TestHostNormalizeExact sorts the expected list and compares it with the
                // first entries of the result in generation order; a /18 key yields 64 zones of
                // which the test names the first three.
                let mut expected: Vec<String> = expected
                    .iter()
                    .map(|z| z.as_str().expect("zone").to_owned())
                    .collect();
                expected.sort();
                match got {
                    Ok(zones)
                        if zones.len() >= expected.len()
                            && zones[..expected.len()] == expected[..] => {}
                    other => failures.push(format!("{key}: expected {expected:?}, got {other:?}")),
                }
            }
        }
    }
    println!(
        "coredns key normalisation cases: {} passed of 15",
        15 - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn acl_setup_cases() {
    let cases = cases("acl_setup_test_cases.json");
    assert_eq!(cases.len(), 29);
    let mut failures = Vec::new();
    let mut invalid = 0;
    let no_env = |_: &str| None;
    for case in &cases {
        let config = case["config"].as_str().expect("config");
        let want_err = case["want_err"].as_bool().expect("want_err");
        invalid += usize::from(want_err);
        let text = format!(". {{\n{config}\n}}\n");
        let corefile = parse(
            Path::new("Corefile"),
            &text,
            &ImportOptions {
                base: None,
                fence: None,
                env: &no_env,
                max_file_bytes: u64::MAX,
                secret_scan: None,
            },
        );
        let mut error = corefile.errors.first().map(|e| e.message.clone());
        if error.is_none() {
            for directive in corefile.blocks.iter().flat_map(|b| b.directive("acl")) {
                if let Err(e) = acl::parse(directive) {
                    error = Some(e.message);
                    break;
                }
            }
        }
        if error.is_some() != want_err {
            failures.push(format!(
                "{}: want_err={want_err}, got {error:?}",
                case["name"]
            ));
        }
    }
    assert_eq!(invalid, 8);
    println!(
        "acl setup cases: {} passed of 29 (8 invalid)",
        29 - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Documentation examples that are fragments or placeholders, not whole Corefiles.
const FRAGMENTS: &[(&str, &str)] = &[];

#[test]
fn every_corpus_corefile() {
    let dir = gblint_tests::corpus_dir().join("corefile");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corefile dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".corefile"))
        .collect();
    names.push("../generalbots/coredns/Corefile.prod".into());
    names.sort();
    let no_env = |_: &str| None;
    let (mut clean, mut with_errors) = (0, Vec::new());
    for name in &names {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).expect("read");
        // Lossless: the tokens' ranges and the text between them give the file back.
        let tokens = tokenize(&text);
        let mut rebuilt = String::new();
        let mut cursor = 0usize;
        for token in &tokens {
            rebuilt.push_str(&text[cursor..token.range.start() as usize]);
            rebuilt.push_str(&text[token.range.as_range()]);
            cursor = token.range.end() as usize;
        }
        rebuilt.push_str(&text[cursor..]);
        assert_eq!(rebuilt, text, "{name}: not lossless");
        let corefile = parse(
            &path,
            &text,
            &ImportOptions {
                base: None,
                fence: None,
                env: &no_env,
                max_file_bytes: u64::MAX,
                secret_scan: None,
            },
        );
        if corefile.errors.is_empty() {
            clean += 1;
        } else {
            with_errors.push(format!("{name}: {}", corefile.errors[0].message));
        }
        // Formatting keeps every token and is idempotent.
        let formatted = gblint_corefile::format::format(&text);
        let before: Vec<String> = tokens.iter().map(|t| t.text.clone()).collect();
        let after: Vec<String> = tokenize(&formatted).into_iter().map(|t| t.text).collect();
        assert_eq!(before, after, "{name}: formatting changed the tokens");
        assert_eq!(
            gblint_corefile::format::format(&formatted),
            formatted,
            "{name}: formatting is not idempotent"
        );
    }
    println!(
        "corefile corpus: {} files reprinted byte for byte; {clean} parse without errors",
        names.len()
    );
    for line in &with_errors {
        println!("  {line}");
    }
    let listed: Vec<&str> = FRAGMENTS.iter().map(|(n, _)| *n).collect();
    let unlisted: Vec<&String> = with_errors
        .iter()
        .filter(|e| !listed.iter().any(|n| e.starts_with(&format!("{n}:"))))
        .collect();
    assert!(
        unlisted.is_empty(),
        "Corefiles with syntax errors that are not listed as fragments: {unlisted:?}"
    );
}
