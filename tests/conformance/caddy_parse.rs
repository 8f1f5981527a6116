//! `caddy_parse/*.json`: Caddy's ParseOneAndImport, ParseAll, EnvironmentReplacement and
//! ParseAddress tables.

use std::collections::HashMap;

use gblint_caddyfile::env::substitute;
use gblint_caddyfile::parser::Parsed;
use gblint_caddyfile::{parse_address, parse_blocks, ImportContext};
use gblint_diagnostics::{SourceFile, SourceMap};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = gblint_tests::corpus_dir()
        .join("caddyfile/caddy_parse")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("cases")).expect("json")
}

/// Parse `input` as Caddy's tests do: file name "Testfile" in the caddy_parse folder, so
/// `import testdata/…` resolves there. Caddy's parser tests see server blocks, before the
/// HTTP adapter: so does this (lexer and parser errors, no typed view).
fn parse_input(input: &str) -> Parsed {
    let dir = gblint_tests::corpus_dir().join("caddyfile/caddy_parse");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("Testfile", input));
    let no_env = |_: &str| None;
    let mut ctx = ImportContext::new(&mut sources, &no_env);
    ctx.disk_paths.insert(file, dir.join("Testfile"));
    parse_blocks(file, &mut ctx)
}

fn texts(tokens: &[gblint_caddyfile::CaddyToken]) -> Vec<String> {
    tokens.iter().map(|t| t.text.to_string()).collect()
}

#[test]
fn parse_one_and_import() {
    let cases = load("parse_one_cases.json");
    assert_eq!(cases.len(), 47);
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("input");
        let should_err = case["should_err"].as_bool().expect("should_err");
        let parsed = parse_input(input);
        let errored = !parsed.errors.is_empty();
        if errored != should_err {
            failures.push(format!(
                "case {index} {input:?}: should_err={should_err}, errors={:?}",
                parsed.errors
            ));
            continue;
        }
        if should_err {
            continue;
        }
        let expected_keys: Vec<String> = case["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| k.as_str().expect("key").to_owned())
            .collect();
        let expected_segments: Vec<usize> = case["num_tokens_per_segment"]
            .as_array()
            .expect("segments")
            .iter()
            .map(|n| n.as_u64().expect("n") as usize)
            .collect();
        let first = parsed.blocks.first();
        let keys = first.map(|b| texts(&b.keys)).unwrap_or_default();
        let segments: Vec<usize> = first
            .map(|b| b.segments.iter().map(Vec::len).collect())
            .unwrap_or_default();
        if keys != expected_keys || segments != expected_segments {
            failures.push(format!(
                "case {index} {input:?}: expected keys {expected_keys:?} segments {expected_segments:?}, got {keys:?} {segments:?}"
            ));
        }
    }
    println!(
        "parse_one: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parse_all() {
    let cases = load("parse_all_cases.json");
    assert_eq!(cases.len(), 14);
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("input");
        let should_err = case["should_err"].as_bool().expect("should_err");
        let parsed = parse_input(input);
        let errored = !parsed.errors.is_empty();
        if errored != should_err {
            failures.push(format!(
                "case {index} {input:?}: should_err={should_err}, errors={:?}",
                parsed.errors
            ));
            continue;
        }
        if should_err {
            continue;
        }
        let expected: Vec<Vec<String>> = case["keys_per_block"]
            .as_array()
            .expect("blocks")
            .iter()
            .map(|keys| {
                keys.as_array()
                    .expect("keys")
                    .iter()
                    .map(|k| k.as_str().expect("key").to_owned())
                    .collect()
            })
            .collect();
        let got: Vec<Vec<String>> = parsed.blocks.iter().map(|b| texts(&b.keys)).collect();
        if got != expected {
            failures.push(format!(
                "case {index} {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    println!(
        "parse_all: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn environment_replacement() {
    let path = gblint_tests::corpus_dir().join("caddyfile/caddy_parse/env_replacement_cases.json");
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("cases")).expect("json");
    let env: HashMap<String, String> = data["env"]
        .as_object()
        .expect("env")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("value").to_owned()))
        .collect();
    let lookup = |name: &str| env.get(name).cloned();
    let cases = data["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 20);
    let mut failures = Vec::new();
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let expected = case["expect"].as_str().expect("expect");
        let got = substitute(input, &lookup).text;
        if got != expected {
            failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
        }
    }
    println!(
        "env replacement: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parse_address_cases() {
    let cases = load("parse_address_cases.json");
    assert_eq!(cases.len(), 43);
    let mut failures = Vec::new();
    for case in &cases {
        let input = case["input"].as_str().expect("input");
        let should_err = case["should_err"].as_bool().expect("should_err");
        match parse_address(input) {
            Err(error) if !should_err => {
                failures.push(format!("{input:?}: unexpected error {error}"))
            }
            Ok(address) if should_err => {
                failures.push(format!("{input:?}: expected an error, got {address:?}"))
            }
            Ok(address) => {
                let got = (
                    address.scheme().to_owned(),
                    address.host().to_owned(),
                    address.port().to_owned(),
                    address.path().to_owned(),
                );
                let expected = (
                    case["scheme"].as_str().expect("scheme").to_owned(),
                    case["host"].as_str().expect("host").to_owned(),
                    case["port"].as_str().expect("port").to_owned(),
                    case["path"].as_str().expect("path").to_owned(),
                );
                if got != expected {
                    failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
                }
            }
            Err(_) => {}
        }
    }
    println!(
        "parse_address: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
