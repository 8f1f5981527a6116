//! `caddy_lexer_cases.json`: Caddy's TestLexer table.

use gblint_caddyfile::tokenize;
use serde_json::Value;

#[test]
fn all_lexer_cases_match_caddy() {
    let path = gblint_tests::corpus_dir().join("caddyfile/caddy_lexer_cases.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("lexer cases")).expect("json");
    assert_eq!(cases.len(), 50, "expected Caddy's 50 lexer cases");
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("input");
        let lexed = tokenize(input);
        if case["expect_err"].as_bool() == Some(true) {
            let expected = case["error_message"].as_str().expect("message");
            match lexed.errors.first() {
                Some(error) if error.message == expected => {}
                other => failures.push(format!(
                    "case {index}: expected error {expected:?}, got {other:?}"
                )),
            }
            continue;
        }
        if let Some(error) = lexed.errors.first() {
            failures.push(format!("case {index}: unexpected error {error:?}"));
            continue;
        }
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
        let got: Vec<(u64, String)> = lexed
            .tokens
            .iter()
            .map(|t| (u64::from(t.line), t.text.to_string()))
            .collect();
        if got != expected {
            failures.push(format!(
                "case {index} {input:?}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    println!(
        "caddy lexer cases: {} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
